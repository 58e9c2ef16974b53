import { useState } from 'react';
import { Link } from 'react-router';
import { unwrap } from '../../api/client';
import type { AdminOrder, OrderStatus } from '../../api/types';
import { useSession } from '../../session/session';
import { ConfirmDialog } from '../../ui/confirm-dialog';
import { Field } from '../../ui/field';
import { formatDateTime } from '../../ui/format';
import { formatMoney, Price } from '../../ui/money';
import { OrderLines } from '../../ui/order-lines';
import { Page } from '../../ui/page';
import { usePagedList } from '../../ui/use-paged-list';
import { AdminTable } from '../ui/admin-table';
import { Filters } from '../ui/filters';
import { PagedView } from '../ui/paged-view';
import { OutcomeRow, type RowOutcome, useRowActions } from '../ui/row-actions';
import { StatusFilter } from '../ui/status-filter';
import { useDebouncedSearch, useQueryUpdater } from '../ui/use-debounced-search';
import { orderStatus } from './order-status';

type Sort = '-date' | 'date' | '-total' | 'total';
const SORTS: Array<{ value: Sort; label: string }> = [
  { value: '-date', label: 'Newest first' },
  { value: 'date', label: 'Oldest first' },
  { value: '-total', label: 'Total high to low' },
  { value: 'total', label: 'Total low to high' },
];
const PAGE_SIZE = 25;

/** Every customer's orders: find them, move them forward, cancel one before it ships. */
export function OrdersPage() {
  const { api } = useSession();
  const [params, update] = useQueryUpdater();
  const customer = useDebouncedSearch('customer');
  const status = orderStatus.parse(params.get('status'));
  const sort = (SORTS.find((option) => option.value === params.get('sort'))?.value ?? '-date') as Sort;
  const customerText = customer.committed;
  const userId = /^\d{1,10}$/.test(customerText) && Number(customerText) > 0 ? Number(customerText) : undefined;
  const customerInvalid = customerText !== '' && userId === undefined;

  const list = usePagedList<AdminOrder>(
    (cursor) =>
      unwrap(
        api.GET('/api/admin/orders', {
          params: { query: { limit: PAGE_SIZE, cursor, status, sort, user_id: userId } },
        }),
      ),
    [status, sort, userId],
  );
  const { busy, run, outcomeOf } = useRowActions(list);
  const [cancelling, setCancelling] = useState<AdminOrder | null>(null);
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(new Set());
  const toggle = (id: number) =>
    setExpanded((current) => {
      const next = new Set(current);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  const move = (order: AdminOrder, to: 'shipped' | 'delivered') =>
    run(order, {
      call: () =>
        unwrap(api.PATCH('/api/admin/orders/{id}', { params: { path: { id: order.id } }, body: { status: to } })),
      done: (updated) => `Order #${order.id} is now ${orderStatus.label(updated.status).toLowerCase()}.`,
      failed: `Order #${order.id} was not changed.`,
    });

  // A failure is said in the dialog, which stays open.
  const cancel = async () => {
    if (!cancelling) return;
    await run(cancelling, {
      call: () => unwrap(api.POST('/api/orders/{id}/cancel', { params: { path: { id: cancelling.id } } })),
      done: (updated) => `Order #${updated.id} is cancelled; its stock is back.`,
    });
    setCancelling(null);
  };

  return (
    <Page title="Orders">
      <Filters onSubmit={customer.submit}>
        <StatusFilter
          id="order-status"
          statuses={orderStatus}
          status={status}
          onChange={(value) => update({ status: value })}
        />
        <Field
          id="order-customer"
          label="Customer id"
          error={customerInvalid && 'A customer id is a whole number from 1 up.'}
        >
          {(control) => (
            <input
              {...control}
              type="number"
              min={1}
              step={1}
              inputMode="numeric"
              value={customer.text}
              onChange={(event) => customer.setText(event.target.value)}
            />
          )}
        </Field>
        <Field id="order-sort" label="Sort by">
          {(control) => (
            <select
              {...control}
              value={sort}
              onChange={(event) => update({ sort: event.target.value === '-date' ? undefined : event.target.value })}
            >
              {SORTS.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
          )}
        </Field>
      </Filters>
      <PagedView
        list={list}
        what="orders"
        empty={<p>{status || userId ? 'No order matches these filters.' : 'No order has been placed yet.'}</p>}
      >
        {(orders) => (
          <AdminTable
            caption="Orders"
            columns={
              <>
                <th scope="col">Order</th>
                <th scope="col">Placed</th>
                <th scope="col">Customer</th>
                <th scope="col">Status</th>
                <th scope="col" className="numeric">
                  Total
                </th>
                <th scope="col">Lines</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </>
            }
          >
            {orders.map((order) => (
              <OrderRow
                key={order.id}
                order={order}
                busy={busy === order.id}
                expanded={expanded.has(order.id)}
                outcome={outcomeOf(order.id)}
                onToggle={() => toggle(order.id)}
                onMove={(to) => void move(order, to)}
                onCancel={() => setCancelling(order)}
              />
            ))}
          </AdminTable>
        )}
      </PagedView>
      <ConfirmDialog
        open={cancelling !== null}
        title={`Cancel order #${cancelling?.id ?? ''}?`}
        confirmLabel="Yes, cancel it"
        cancelLabel="Keep the order"
        onConfirm={cancel}
        onClose={() => setCancelling(null)}
      >
        {cancelling && (
          <p>
            {cancelling.items.length} {cancelling.items.length === 1 ? 'line' : 'lines'},{' '}
            {formatMoney(cancelling.total_cents, cancelling.currency)}, for customer #{cancelling.user_id}. Its stock
            goes back on sale. This cannot be undone.
          </p>
        )}
      </ConfirmDialog>
    </Page>
  );
}

const COLUMNS = 7;
/** The one move forward an admin makes from each status. */
const FORWARD: Record<OrderStatus, 'shipped' | 'delivered' | null> = {
  confirmed: 'shipped',
  shipped: 'delivered',
  delivered: null,
  cancelled: null,
};

/** One order, and below it, when opened, its lines and total. */
function OrderRow({
  order,
  busy,
  expanded,
  outcome,
  onToggle,
  onMove,
  onCancel,
}: {
  order: AdminOrder;
  busy: boolean;
  expanded: boolean;
  /** What became of the last action on this order, said right under it. */
  outcome: RowOutcome | null;
  onToggle(): void;
  onMove(to: 'shipped' | 'delivered'): void;
  onCancel(): void;
}) {
  const units = order.items.reduce((sum, line) => sum + line.quantity, 0);
  const next = FORWARD[order.status];
  const linesId = `order-${order.id}-lines`;
  return (
    <>
      <tr aria-busy={busy} className={expanded ? 'admin-row-open' : undefined}>
        <th scope="row">#{order.id}</th>
        <td className="admin-nowrap">{formatDateTime(order.created_at)}</td>
        <td>
          <Link to={`/admin/orders?customer=${order.user_id}`} title={`All orders of customer #${order.user_id}`}>
            #{order.user_id}
            <span className="visually-hidden"> (all orders of this customer)</span>
          </Link>
        </td>
        <td>
          <orderStatus.Badge status={order.status} />
        </td>
        <td className="numeric">
          <Price cents={order.total_cents} currency={order.currency} />
        </td>
        <td>
          <button
            type="button"
            className="link-button admin-disclosure"
            aria-expanded={expanded}
            aria-controls={expanded ? linesId : undefined}
            onClick={onToggle}
          >
            {units} {units === 1 ? 'item' : 'items'}
            <span className="visually-hidden"> in order #{order.id}</span>
          </button>
        </td>
        <td>
          <div className="admin-actions">
            {/* One button that changes its words, so the keyboard focus stays on it from step to step. */}
            {next && (
              <button
                type="button"
                className="button"
                aria-disabled={busy || undefined}
                onClick={() => !busy && onMove(next)}
              >
                {next === 'shipped' ? 'Mark shipped' : 'Mark delivered'}
              </button>
            )}
            {order.status === 'confirmed' && (
              <button
                type="button"
                className="button button-danger"
                aria-disabled={busy || undefined}
                onClick={() => !busy && onCancel()}
              >
                Cancel
              </button>
            )}
          </div>
        </td>
      </tr>
      <OutcomeRow outcome={outcome} columns={COLUMNS} />
      {expanded && (
        <tr id={linesId} className="admin-row-detail">
          <td colSpan={COLUMNS}>
            <OrderLines
              order={order}
              caption={`Lines of order #${order.id}`}
              product={(line) => (
                <>
                  {line.name} <span className="muted">(#{line.product_id})</span>
                </>
              )}
            />
            <p className="muted">Last change {formatDateTime(order.updated_at)}.</p>
          </td>
        </tr>
      )}
    </>
  );
}
