import type { ReactNode } from 'react';

/** What a field hands its control: the id its label names, and what describes the control. */
export interface FieldControl {
  id: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
}

/**
 * A labelled control with its hint and its error. The control (an input, select or textarea)
 * is `children(control)`: spread `control` on it, and a screen reader says the hint and the
 * error with the field, and knows it is invalid while there is an error.
 */
export function Field({
  id,
  label,
  hint,
  error,
  announce = false,
  className,
  children,
}: {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: ReactNode;
  /** Say the error the moment it shows (role=alert), for a form whose focus may not move to the field. */
  announce?: boolean;
  /** Classes beside `field`. */
  className?: string;
  children(control: FieldControl): ReactNode;
}) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy })}
      {hint && (
        <p className="field-hint" id={hintId}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field-error" id={errorId} role={announce ? 'alert' : undefined}>
          {error}
        </p>
      )}
    </div>
  );
}
