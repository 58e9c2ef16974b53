import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { Page } from '../../ui/page';
import { ErrorState, Loading } from '../../ui/states';

/** The way back from a detail page to its list: "← All products". */
export function BackLink({ to, children }: { to: string; children: ReactNode }) {
  return (
    <p>
      <Link to={to}>← {children}</Link>
    </p>
  );
}

/** A detail page while its data is not there yet: its way back, then loading or why it failed. */
export function PendingPage({
  title,
  back,
  loading,
  failure,
}: {
  title: string;
  back: ReactNode;
  /** "Loading the e-mail…". */
  loading: string;
  /** Why it could not be loaded, and trying again; null while it loads. */
  failure: { error: unknown; retry(): void } | null;
}) {
  return (
    <Page title={title}>
      {back}
      {failure ? <ErrorState error={failure.error} retry={failure.retry} /> : <Loading label={loading} />}
    </Page>
  );
}
