import { describeError } from '../api/problem';

/** Shown while data loads: announced to screen readers, never an empty page. */
export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

/** A failed load, with what went wrong and a way to try again. */
export function ErrorState({
  error,
  retry,
  title = 'This could not be loaded',
}: {
  error: unknown;
  retry?: () => void;
  title?: string;
}) {
  return (
    <div className="state state-error" role="alert">
      <p>
        <strong>{title}.</strong> {describeError(error)}
      </p>
      {retry && (
        <button type="button" className="button" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** Nothing to show, said so, with what to do next. */
export function Empty({ children }: { children: React.ReactNode }) {
  return <div className="state state-empty">{children}</div>;
}
