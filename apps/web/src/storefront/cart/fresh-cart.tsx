import { type ReactNode, useEffect } from 'react';
import type { Cart } from '../../api/types';
import { Empty, ErrorState, Loading } from '../../ui/states';
import { useCart } from './cart-context';
import { CartNotes } from './cart-summary';

/**
 * The cart read afresh as the page opens (prices come from the catalog at read time, and an
 * order takes today's), with its loading and failed states, what the cart service changed
 * by itself, `empty` when it has no line, else `children(cart)`.
 */
export function FreshCart({ empty, children }: { empty: ReactNode; children(cart: Cart): ReactNode }) {
  const { cart, status, error, refresh } = useCart();
  const retry = () => void refresh().catch(() => undefined);

  // biome-ignore lint/correctness/useExhaustiveDependencies: once per visit of the page.
  useEffect(retry, []);

  return (
    <>
      {status === 'failed' && <ErrorState error={error} retry={retry} title="The cart could not be loaded" />}
      {cart === null && status !== 'failed' && <Loading label="Loading your cart…" />}
      {cart && <CartNotes cart={cart} />}
      {cart && cart.items.length === 0 && <Empty>{empty}</Empty>}
      {cart && cart.items.length > 0 && children(cart)}
    </>
  );
}
