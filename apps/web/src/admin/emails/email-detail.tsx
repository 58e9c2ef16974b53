import { useState } from 'react';
import { unwrap } from '../../api/client';
import { describeError } from '../../api/problem';
import type { Email } from '../../api/types';
import { useSession } from '../../session/session';
import { formatDateTime } from '../../ui/format';
import { useIdParam } from '../../ui/id-param';
import { NotFound } from '../../ui/not-found';
import { Page } from '../../ui/page';
import { useResource } from '../../ui/use-resource';
import { BackLink, PendingPage } from '../ui/detail-page';
import { emailStatus } from './email-status';

export function EmailDetail() {
  const id = useIdParam();
  return id === null ? <NotFound /> : <LoadEmail id={id} />;
}

function LoadEmail({ id }: { id: number }) {
  const { api } = useSession();
  const email = useResource(
    () => unwrap(api.GET('/api/admin/emails/{id}', { params: { path: { id } } })),
    ['email', id],
  );
  if (email.state !== 'ready') {
    return (
      <PendingPage
        title="E-mail"
        back={<Back />}
        loading="Loading the e-mail…"
        failure={email.state === 'failed' ? { error: email.error, retry: email.reload } : null}
      />
    );
  }
  return <EmailLoaded key={email.data.id} initial={email.data} reload={email.reload} />;
}

const Back = () => <BackLink to="/admin/emails">All e-mails</BackLink>;

/**
 * One e-mail as it went out (or did not). Its HTML is the shop's own template but carries
 * customer data, so it is never put into this page: it renders in a sandboxed frame that may
 * run no script, load nothing, and reach nothing of the admin.
 */
function EmailLoaded({ initial, reload }: { initial: Email; reload(): void }) {
  const { api } = useSession();
  const [email, setEmail] = useState(initial);
  const [view, setView] = useState<'text' | 'html'>('text');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);

  const retry = async () => {
    setBusy(true);
    setOutcome(null);
    try {
      const summary = await unwrap(api.POST('/api/admin/emails/{id}/retry', { params: { path: { id: email.id } } }));
      setEmail((current) => ({ ...current, ...summary }));
      setOutcome({ ok: true, text: 'Queued again: it goes out with the next send attempt.' });
    } catch (error) {
      setOutcome({ ok: false, text: `Not retried. ${describeError(error)}` });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page title={email.subject}>
      <Back />
      <dl className="admin-facts card">
        <div>
          <dt>To</dt>
          <dd className="admin-break">{email.to}</dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd>
            <emailStatus.Badge status={email.status} />
          </dd>
        </div>
        <div>
          <dt>Attempts</dt>
          <dd>{email.attempts}</dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd className="admin-nowrap">{formatDateTime(email.created_at)}</dd>
        </div>
        {email.last_error && (
          <div className="admin-facts-wide">
            <dt>Last error</dt>
            <dd className="admin-error-text">{email.last_error}</dd>
          </div>
        )}
      </dl>
      <div className="row admin-email-actions">
        {email.status === 'failed' && (
          <button type="button" className="button button-primary" onClick={() => void retry()} disabled={busy}>
            Retry
          </button>
        )}
        {email.status === 'pending' && (
          <button type="button" className="button" onClick={reload}>
            Check again
          </button>
        )}
      </div>
      <div aria-live="polite">
        {outcome && (
          <p className={outcome.ok ? 'notice' : 'notice notice-error'} role={outcome.ok ? undefined : 'alert'}>
            {outcome.text}
          </p>
        )}
      </div>
      <section aria-labelledby="email-body" className="stack">
        <div className="row admin-email-body-header">
          <h2 id="email-body">Message</h2>
          <fieldset className="admin-toggle">
            <legend className="visually-hidden">Show the message as</legend>
            <label>
              <input type="radio" name="email-view" checked={view === 'text'} onChange={() => setView('text')} /> Text
            </label>
            <label>
              <input type="radio" name="email-view" checked={view === 'html'} onChange={() => setView('html')} /> HTML
            </label>
          </fieldset>
        </div>
        {view === 'text' ? (
          <pre className="admin-email-text card">{email.text}</pre>
        ) : (
          <iframe
            className="admin-email-html"
            title={`HTML of the e-mail ${email.subject}`}
            sandbox=""
            srcDoc={email.html}
          />
        )}
      </section>
    </Page>
  );
}
