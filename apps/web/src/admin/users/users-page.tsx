import { Fragment } from 'react';
import { unwrap } from '../../api/client';
import type { UserSummary } from '../../api/types';
import { useSession } from '../../session/session';
import { formatDateTime } from '../../ui/format';
import { Page } from '../../ui/page';
import { usePagedList } from '../../ui/use-paged-list';
import { AdminTable } from '../ui/admin-table';
import { Filters, SearchField } from '../ui/filters';
import { PagedView } from '../ui/paged-view';
import { OutcomeRow, useRowActions } from '../ui/row-actions';
import { useDebouncedSearch } from '../ui/use-debounced-search';

type Role = UserSummary['role'];
const PAGE_SIZE = 25;
const COLUMNS = 6;

/**
 * Who may do what: roles and active flags. The API refuses to let an admin demote or
 * deactivate themselves (422) or remove the last admin (409); here one's own row is locked
 * beforehand, and a refusal is said next to the row it concerns.
 */
export function UsersPage() {
  const { api, user: me } = useSession();
  const search = useDebouncedSearch('email');
  const email = search.committed;
  const list = usePagedList<UserSummary>(
    (cursor) =>
      unwrap(
        api.GET('/api/account/users', { params: { query: { limit: PAGE_SIZE, cursor, email: email || undefined } } }),
      ),
    [email],
  );
  const { busy, run, outcomeOf } = useRowActions(list);

  const change = async (user: UserSummary, changes: { role?: Role; is_active?: boolean }, done: string) => {
    if (busy !== null) return;
    await run(user, {
      call: () => unwrap(api.PATCH('/api/account/users/{id}', { params: { path: { id: user.id } }, body: changes })),
      done: () => done,
      failed: 'Not changed.',
    });
  };

  return (
    <Page title="Users">
      <Filters onSubmit={search.submit}>
        <SearchField id="user-search" label="Search by e-mail" placeholder="Part of the address" search={search} />
      </Filters>
      <PagedView
        list={list}
        what="users"
        empty={<p>{email ? `No user's e-mail contains “${email}”.` : 'No user has signed up yet.'}</p>}
      >
        {(users) => (
          <AdminTable
            caption="Users"
            columns={
              <>
                <th scope="col">Name</th>
                <th scope="col">E-mail</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
                <th scope="col">Joined</th>
              </>
            }
          >
            {users.map((user) => {
              const self = user.id === me?.id;
              // Busy rows stay focusable (aria-disabled): a disabled control would drop the keyboard focus.
              const pending = busy === user.id || undefined;
              const noteId = `user-${user.id}-self`;
              return (
                <Fragment key={user.id}>
                  <tr aria-busy={busy === user.id}>
                    <th scope="row">
                      {user.name}
                      {self && (
                        <>
                          {' '}
                          <span className="badge" id={noteId}>
                            That is you
                          </span>
                        </>
                      )}
                    </th>
                    <td className="admin-break">{user.email}</td>
                    <td>
                      <label className="visually-hidden" htmlFor={`user-${user.id}-role`}>
                        Role of {user.email}
                      </label>
                      <select
                        id={`user-${user.id}-role`}
                        className="admin-inline-select"
                        value={user.role}
                        disabled={self}
                        aria-disabled={pending}
                        aria-describedby={self ? noteId : undefined}
                        onChange={(event) => {
                          const role = event.target.value as Role;
                          void change(
                            user,
                            { role },
                            `${user.email} is now ${role === 'admin' ? 'an admin' : 'a customer'}; they sign in again to use it.`,
                          );
                        }}
                      >
                        <option value="customer">Customer</option>
                        <option value="admin">Admin</option>
                      </select>
                    </td>
                    <td>
                      {user.is_active ? (
                        <span className="badge badge-ok">Active</span>
                      ) : (
                        <span className="badge badge-danger">Deactivated</span>
                      )}
                    </td>
                    <td>
                      <button
                        type="button"
                        className={user.is_active ? 'button button-danger' : 'button'}
                        disabled={self}
                        aria-disabled={pending}
                        aria-describedby={self ? noteId : undefined}
                        onClick={() =>
                          void change(
                            user,
                            { is_active: !user.is_active },
                            user.is_active
                              ? `${user.email} is deactivated and signed out everywhere.`
                              : `${user.email} can sign in again.`,
                          )
                        }
                      >
                        {user.is_active ? 'Deactivate' : 'Activate'}
                        <span className="visually-hidden"> {user.email}</span>
                      </button>
                    </td>
                    <td className="admin-nowrap">{formatDateTime(user.created_at)}</td>
                  </tr>
                  <OutcomeRow outcome={outcomeOf(user.id)} columns={COLUMNS} />
                </Fragment>
              );
            })}
          </AdminTable>
        )}
      </PagedView>
    </Page>
  );
}
