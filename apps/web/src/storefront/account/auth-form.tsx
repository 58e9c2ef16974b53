import { type FormEvent, type ReactNode, useState } from 'react';
import { Navigate, useSearchParams } from 'react-router';
import { useSession } from '../../session/session';
import { Page } from '../../ui/page';
import { safeNext } from '../common/next-path';
import { type FormProblem, formProblem } from './auth-errors';

/**
 * The sign-in and sign-up pages' frame. Signed in (now or already), it goes where `?next=`
 * says, or to the catalog. `submit` runs one at a time; a refusal is said above the form
 * and, for the fields the server names among `fields`, by each field (`children(errors)`).
 */
export function AuthForm({
  title,
  fields,
  submit,
  submitLabel,
  children,
  footer,
}: {
  title: string;
  fields: readonly string[];
  submit(): Promise<void>;
  submitLabel: string;
  children(fieldErrors: Record<string, string>): ReactNode;
  /** Under the button: the way to the other page, keeping `next`. */
  footer(next: string): ReactNode;
}) {
  const session = useSession();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<FormProblem | null>(null);

  if (session.status === 'signed-in') return <Navigate to={next} replace />;

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setProblem(null);
    try {
      await submit();
    } catch (error) {
      setProblem(formProblem(error, fields));
      setBusy(false);
    }
  };

  return (
    <Page title={title}>
      <form className="form card auth-form" onSubmit={(event) => void onSubmit(event)}>
        {problem?.message && (
          <p className="notice notice-error" role="alert">
            {problem.message}
          </p>
        )}
        {children(problem?.fields ?? {})}
        <button type="submit" className="button button-primary" aria-disabled={busy || undefined}>
          {submitLabel}
        </button>
        {footer(next)}
      </form>
    </Page>
  );
}
