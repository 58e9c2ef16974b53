import type { ReactNode } from 'react';

/**
 * A form's button (`children`), with what it is doing and what it did beside it as a status,
 * and below, why it failed.
 */
export function FormActions({
  children,
  working,
  done,
  problem,
}: {
  children: ReactNode;
  /** While it runs: "Saving…". */
  working?: string | false;
  /** After it succeeded: "Saved.". */
  done?: string | false | null;
  problem?: string | null;
}) {
  return (
    <>
      <div className="row">
        {children}
        {working && (
          <span className="muted" role="status">
            {working}
          </span>
        )}
        {done && (
          <span className="admin-saved" role="status">
            {done}
          </span>
        )}
      </div>
      {problem && (
        <p className="notice notice-error" role="alert">
          {problem}
        </p>
      )}
    </>
  );
}
