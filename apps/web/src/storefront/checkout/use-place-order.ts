import { useCallback, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { unwrap } from '../../api/client';
import type { Order } from '../../api/types';
import { useSession } from '../../session/session';
import { useCart } from '../cart/cart-context';
import { attemptIsOver, newIdempotencyKey } from './idempotency-key';

/** How the order page knows it was just placed (and can show it before reading it back). */
export interface PlacedState {
  placed: Order;
}

/**
 * Places the cart as an order. One Idempotency-Key per attempt: made when the page opens,
 * kept while the attempt may still be running (so a repeat is answered with the same order),
 * replaced once the server has refused it. A second click while one is running does nothing.
 */
export function usePlaceOrder() {
  const { api } = useSession();
  const { settleAfterOrder } = useCart();
  const navigate = useNavigate();
  const key = useRef<string | null>(null);
  key.current ??= newIdempotencyKey();
  const running = useRef(false);
  const [placing, setPlacing] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);

  const place = useCallback(async () => {
    if (running.current) return;
    running.current = true;
    setPlacing(true);
    setFailure(null);
    try {
      const order = await unwrap(
        api.POST('/api/orders', {
          params: { header: { 'idempotency-key': key.current ?? newIdempotencyKey() } },
          body: { from_cart: true },
        }),
      );
      settleAfterOrder(order.items.map((item) => item.product_id));
      navigate(`/orders/${order.id}`, { state: { placed: order } satisfies PlacedState });
    } catch (error) {
      if (attemptIsOver(error)) key.current = newIdempotencyKey();
      setFailure(error);
    } finally {
      running.current = false;
      setPlacing(false);
    }
  }, [api, navigate, settleAfterOrder]);

  const dismissFailure = useCallback(() => setFailure(null), []);
  return { place, placing, failure, dismissFailure };
}
