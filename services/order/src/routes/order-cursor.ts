import { keysetCursor } from '@shop/platform';
import type { OrderSort } from '../domain/ports.ts';

/** Each sort's key, as PostgreSQL types it: the order's time, or its total (bigint). */
export const orderCursor = keysetCursor<OrderSort>({
  date: 'timestamp',
  '-date': 'timestamp',
  total: 'int8',
  '-total': 'int8',
});
