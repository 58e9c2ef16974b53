import { createHash } from 'node:crypto';
import type { RequestedItem } from './ports.ts';

export interface OrderRequestBody {
  items?: readonly RequestedItem[];
  fromCart?: boolean;
}

/**
 * What "the same body" means for an idempotency key: the same lines (in any order) or
 * the same from_cart flag. Hashed so the key table stores no order details.
 */
export function hashRequest(body: OrderRequestBody): string {
  const canonical = body.fromCart
    ? { from_cart: true }
    : {
        items: [...(body.items ?? [])]
          .sort((a, b) => a.productId - b.productId || a.quantity - b.quantity)
          .map((item) => [item.productId, item.quantity]),
      };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}
