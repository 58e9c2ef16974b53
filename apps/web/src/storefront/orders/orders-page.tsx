import { Link } from 'react-router';
import { unwrap } from '../../api/client';
import type { Order } from '../../api/types';
import { useSession } from '../../session/session';
import { formatDateTime } from '../../ui/format';
import { LoadMore } from '../../ui/load-more';
import { Price } from '../../ui/money';
import { Page } from '../../ui/page';
import { Empty, ErrorState, Loading } from '../../ui/states';
import { usePagedList } from '../../ui/use-paged-list';
import { orderStatus } from './order-status';

const PAGE_SIZE = 20;

/** The customer's orders, newest first. */
export function OrdersPage() {
  const { api } = useSession();
  const orders = usePagedList<Order>(
    (cursor) => unwrap(api.GET('/api/orders', { params: { query: { limit: PAGE_SIZE, cursor } } })),
    ['orders'],
  );
  return (
    <Page title="My orders">
      <div className="page-body">
        {orders.state === 'loading' && <Loading label="Loading your orders…" />}
        {orders.state === 'failed' && (
          <ErrorState error={orders.error} retry={orders.reload} title="Your orders could not be loaded" />
        )}
        {orders.state === 'ready' && orders.items.length === 0 && (
          <Empty>
            <p>You have not ordered anything yet.</p>
            <p>
              <Link to="/">Browse the products</Link>
            </p>
          </Empty>
        )}
        {orders.items.length > 0 && orders.state === 'ready' && (
          <div className="table-wrap">
            <table className="orders-table">
              <caption className="visually-hidden">Your orders, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Order</th>
                  <th scope="col">Placed</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="numeric">
                    Total
                  </th>
                </tr>
              </thead>
              <tbody>
                {orders.items.map((order) => (
                  <tr key={order.id}>
                    <th scope="row">
                      <Link to={`/orders/${order.id}`}>Order #{order.id}</Link>
                    </th>
                    <td>{formatDateTime(order.created_at)}</td>
                    <td>
                      <orderStatus.Badge status={order.status} />
                    </td>
                    <td className="numeric">
                      <Price cents={order.total_cents} currency={order.currency} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <LoadMore list={orders} what="orders" />
      </div>
    </Page>
  );
}
