import type { OrderStatus } from '../../api/types';
import { statusSet } from '../../ui/statuses';

/** An order's status as the admin sees it: confirmed ones wait for them, so they stand out. */
export const orderStatus = statusSet<OrderStatus>({
  confirmed: { label: 'Confirmed', tone: 'warn' },
  shipped: { label: 'Shipped', tone: 'info' },
  delivered: { label: 'Delivered', tone: 'ok' },
  cancelled: { label: 'Cancelled', tone: 'danger' },
});
