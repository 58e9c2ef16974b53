import { useState } from 'react';
import { Link, useLocation } from 'react-router';
import { unwrapOrNull } from '../../api/client';
import { describeError } from '../../api/problem';
import type { Order } from '../../api/types';
import { useSession } from '../../session/session';
import { focusPageHeading } from '../../ui/focus';
import { formatDateTime } from '../../ui/format';
import { useIdParam } from '../../ui/id-param';
import { Price } from '../../ui/money';
import { OrderLines } from '../../ui/order-lines';
import { Page } from '../../ui/page';
import { ErrorState, Loading } from '../../ui/states';
import { useResource } from '../../ui/use-resource';
import type { PlacedState } from '../checkout/use-place-order';
import { CancelOrder } from './cancel-order';
import { orderStatus } from './order-status';

/** One of the customer's orders: lines, total, status, and cancelling it while it is confirmed. */
export function OrderPage() {
  const { api } = useSession();
  const location = useLocation();
  const orderId = useIdParam();
  const placed = (location.state as PlacedState | null)?.placed;
  const justPlaced = placed?.id === orderId ? placed : undefined;
  const [cancelled, setCancelled] = useState<Order | null>(null);
  const loaded = useResource<Order | null>(
    () =>
      orderId === null
        ? Promise.resolve(null)
        : unwrapOrNull(api.GET('/api/orders/{id}', { params: { path: { id: orderId } } })),
    [orderId],
  );

  // Just placed, the order is shown from the checkout's answer while it is read back.
  const order =
    (cancelled?.id === orderId ? cancelled : null) ?? (loaded.data?.id === orderId ? loaded.data : justPlaced);

  if (!order) {
    if (loaded.state === 'failed') {
      return (
        <Page title="Order">
          <ErrorState error={loaded.error} retry={loaded.reload} title="This order could not be loaded" />
        </Page>
      );
    }
    if (loaded.state === 'ready' && loaded.data === null) {
      return (
        <Page title="Order not found">
          <p>There is no order of yours with this number.</p>
          <p>
            <Link to="/orders">See my orders</Link>
          </p>
        </Page>
      );
    }
    return (
      <Page title="Order">
        <Loading label="Loading the order…" />
      </Page>
    );
  }

  return (
    <Page title={`Order #${order.id}`}>
      <div className="page-body">
        {justPlaced && !cancelled && (
          <div className="notice" role="status">
            <p>
              <strong>Thank you! Your order is confirmed.</strong> A confirmation is on its way to your e-mail.
            </p>
          </div>
        )}
        {cancelled && (
          <p className="notice" role="status">
            The order is cancelled. Nothing will be sent.
          </p>
        )}
        <dl className="order-facts">
          <div>
            <dt>Status</dt>
            <dd>
              <orderStatus.Badge status={order.status} />
            </dd>
          </div>
          <div>
            <dt>Placed</dt>
            <dd>{formatDateTime(order.created_at)}</dd>
          </div>
          <div>
            <dt>Total</dt>
            <dd>
              <Price cents={order.total_cents} currency={order.currency} />
            </dd>
          </div>
        </dl>
        <div className="table-wrap">
          <OrderLines
            order={order}
            caption="What was ordered"
            product={(line) => <Link to={`/products/${line.product_id}`}>{line.name}</Link>}
          />
        </div>
        <div className="row order-actions">
          <Link to="/orders">All my orders</Link>
          {order.status === 'confirmed' && (
            <CancelOrder
              order={order}
              onCancelled={(next) => {
                setCancelled(next);
                focusPageHeading();
              }}
              onConflict={loaded.reload}
            />
          )}
        </div>
        {loaded.state === 'failed' && (
          <p className="muted">The latest state could not be read: {describeError(loaded.error)}</p>
        )}
      </div>
    </Page>
  );
}
