import type { ReactNode } from 'react';
import { Link, useLocation } from 'react-router';
import { useSession } from '../session/session';
import { Page } from './page';
import { Loading } from './states';

/** Pages for signed-in customers: others are asked to sign in, and come back here after. */
export function RequireSignIn({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  if (session.status === 'restoring') return <Loading label="Signing you in…" />;
  if (session.status === 'signed-out') {
    const back = encodeURIComponent(location.pathname + location.search);
    return (
      <Page title="Sign in to continue">
        <p>
          This page is yours alone. <Link to={`/signin?next=${back}`}>Sign in</Link> or{' '}
          <Link to={`/signup?next=${back}`}>create an account</Link>.
        </p>
      </Page>
    );
  }
  return children;
}

/** The admin, for admins only (the API refuses everyone else anyway). */
export function RequireAdmin({ children }: { children: ReactNode }) {
  const session = useSession();
  if (session.status !== 'signed-in') return <RequireSignIn>{children}</RequireSignIn>;
  if (!session.isAdmin) {
    return (
      <Page title="Not available">
        <p>This part of the shop is for its administrators.</p>
        <p>
          <Link to="/">Back to the shop</Link>
        </p>
      </Page>
    );
  }
  return children;
}
