import type { Order } from '../../api/types';
import { statusSet } from '../../ui/statuses';

/** An order's status as its customer sees it: all is well until it is cancelled. */
export const orderStatus = statusSet<Order['status']>({
  confirmed: { label: 'Confirmed', tone: 'ok' },
  shipped: { label: 'Shipped', tone: 'ok' },
  delivered: { label: 'Delivered', tone: 'ok' },
  cancelled: { label: 'Cancelled', tone: 'danger' },
});
