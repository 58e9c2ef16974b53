import { Link } from 'react-router';
import { unwrap } from '../../api/client';
import type { EmailSummary } from '../../api/types';
import { useSession } from '../../session/session';
import { formatDateTime } from '../../ui/format';
import { Page } from '../../ui/page';
import { usePagedList } from '../../ui/use-paged-list';
import { AdminTable } from '../ui/admin-table';
import { Filters } from '../ui/filters';
import { PagedView } from '../ui/paged-view';
import { StatusFilter } from '../ui/status-filter';
import { useQueryUpdater } from '../ui/use-debounced-search';
import { emailStatus } from './email-status';

const PAGE_SIZE = 25;

/** The shop's outgoing mail, newest first: what went out, what waits, what failed and why. */
export function EmailsPage() {
  const { api } = useSession();
  const [params, update] = useQueryUpdater();
  const status = emailStatus.parse(params.get('status'));
  const list = usePagedList<EmailSummary>(
    (cursor) => unwrap(api.GET('/api/admin/emails', { params: { query: { limit: PAGE_SIZE, cursor, status } } })),
    [status],
  );
  return (
    <Page title="E-mails">
      <Filters>
        <StatusFilter
          id="email-status"
          statuses={emailStatus}
          status={status}
          onChange={(value) => update({ status: value })}
        />
      </Filters>
      <PagedView
        list={list}
        what="e-mails"
        empty={
          <p>{status ? `No ${emailStatus.label(status).toLowerCase()} e-mail.` : 'The shop has sent no e-mail yet.'}</p>
        }
      >
        {(emails) => (
          <AdminTable
            caption="E-mails"
            columns={
              <>
                <th scope="col">Subject</th>
                <th scope="col">To</th>
                <th scope="col">Status</th>
                <th scope="col" className="numeric">
                  Attempts
                </th>
                <th scope="col">Created</th>
                <th scope="col">Last error</th>
              </>
            }
          >
            {emails.map((email) => (
              <tr key={email.id}>
                <td>
                  <Link to={`/admin/emails/${email.id}`}>{email.subject}</Link>
                </td>
                <td className="admin-break">{email.to}</td>
                <td>
                  <emailStatus.Badge status={email.status} />
                </td>
                <td className="numeric">{email.attempts}</td>
                <td className="admin-nowrap">{formatDateTime(email.created_at)}</td>
                <td className="admin-error-text">{email.last_error ?? <span className="muted">—</span>}</td>
              </tr>
            ))}
          </AdminTable>
        )}
      </PagedView>
    </Page>
  );
}
