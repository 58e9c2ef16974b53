import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { unwrap } from '../../api/client';
import type { Cart } from '../../api/types';
import { useSession } from '../../session/session';

/** The cart service takes 1 to 99 of a product. */
export const MAX_QUANTITY = 99;

export type CartStatus = 'signed-out' | 'loading' | 'ready' | 'failed';

/** What the last "Add to cart" did, for the drawer to say. */
export interface Added {
  name: string;
  /** How many were added (fewer than asked when the line reached the maximum). */
  quantity: number;
  capped: boolean;
}

export interface CartState {
  /** The signed-in customer's cart; null while signed out or not loaded yet. */
  cart: Cart | null;
  /** `failed`: the last load failed (`error` says why; `cart` may still hold an older answer). */
  status: CartStatus;
  error: unknown;
  /** Products in the cart, counting quantities. */
  count: number;
  refresh(): Promise<Cart>;
  /** Adds to what the cart holds of the product (at most MAX_QUANTITY) and opens the drawer. */
  add(product: { id: number; name: string }, quantity: number): Promise<Cart>;
  setQuantity(productId: number, quantity: number): Promise<Cart>;
  remove(productId: number): Promise<Cart>;
  /**
   * After an order from the cart: the cart service empties it when it hears of the order,
   * a moment later, so this reads it again until the ordered products have left it.
   */
  settleAfterOrder(productIds: number[]): void;
  added: Added | null;
  drawerOpen: boolean;
  openDrawer(): void;
  closeDrawer(): void;
}

const CartContext = createContext<CartState | null>(null);

const SETTLE_ATTEMPTS = 5;
const SETTLE_INTERVAL_MS = 1_000;

/** The customer's cart as the cart service keeps it (priced from the catalog at read time). */
export function CartProvider({ children }: { children: ReactNode }) {
  const { api, status: sessionStatus } = useSession();
  const [cart, setCart] = useState<Cart | null>(null);
  const [status, setStatus] = useState<CartStatus>('signed-out');
  const [error, setError] = useState<unknown>();
  const [added, setAdded] = useState<Added | null>(null);
  const [drawerOpen, setDrawerOpen] = useState(false);
  const current = useRef<Cart | null>(null);
  // Each request takes a number; only the latest one's answer is kept, so a slow read that
  // started before a change cannot put the old cart back.
  const sequence = useRef(0);
  const settling = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const mounted = useRef(true);

  const accept = useCallback((mine: number, next: Cart) => {
    if (mine === sequence.current) {
      current.current = next;
      setCart(next);
      setStatus('ready');
      setError(undefined);
    }
    return next;
  }, []);

  const refresh = useCallback(async () => {
    const mine = ++sequence.current;
    setStatus('loading');
    try {
      return accept(mine, await unwrap(api.GET('/api/cart')));
    } catch (failure) {
      if (mine === sequence.current) {
        setError(failure);
        setStatus('failed');
      }
      throw failure;
    }
  }, [api, accept]);

  useEffect(() => {
    clearTimeout(settling.current);
    current.current = null;
    setCart(null);
    setAdded(null);
    if (sessionStatus === 'signed-in') refresh().catch(() => undefined);
    else {
      sequence.current++;
      setStatus('signed-out');
      setDrawerOpen(false);
    }
  }, [sessionStatus, refresh]);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      clearTimeout(settling.current);
    };
  }, []);

  /** A change to the cart: the cart it answers with is kept unless a later request overtook it. */
  const change = useCallback(
    async (request: () => Promise<Cart>) => {
      const mine = ++sequence.current;
      return accept(mine, await request());
    },
    [accept],
  );

  const setQuantity = useCallback(
    (productId: number, quantity: number) =>
      change(() =>
        unwrap(
          api.PUT('/api/cart/items/{product_id}', { params: { path: { product_id: productId } }, body: { quantity } }),
        ),
      ),
    [api, change],
  );

  const remove = useCallback(
    (productId: number) =>
      change(() => unwrap(api.DELETE('/api/cart/items/{product_id}', { params: { path: { product_id: productId } } }))),
    [api, change],
  );

  const add = useCallback(
    async (product: { id: number; name: string }, quantity: number) => {
      const before = current.current ?? (await refresh());
      const had = before.items.find((item) => item.product_id === product.id)?.quantity ?? 0;
      const wanted = Math.min(MAX_QUANTITY, had + quantity);
      const next = await setQuantity(product.id, wanted);
      setAdded({ name: product.name, quantity: wanted - had, capped: had + quantity > MAX_QUANTITY });
      setDrawerOpen(true);
      return next;
    },
    [refresh, setQuantity],
  );

  const settleAfterOrder = useCallback(
    (productIds: number[]) => {
      clearTimeout(settling.current);
      const ordered = new Set(productIds);
      const attempt = (left: number) => {
        refresh().then(
          (next) => {
            const waiting = next.items.some((item) => ordered.has(item.product_id));
            if (waiting && left > 1 && mounted.current)
              settling.current = setTimeout(() => attempt(left - 1), SETTLE_INTERVAL_MS);
          },
          () => undefined,
        );
      };
      attempt(SETTLE_ATTEMPTS);
    },
    [refresh],
  );

  const openDrawer = useCallback(() => {
    setAdded(null);
    setDrawerOpen(true);
    refresh().catch(() => undefined);
  }, [refresh]);
  const closeDrawer = useCallback(() => {
    setDrawerOpen(false);
    setAdded(null);
  }, []);

  const value = useMemo<CartState>(
    () => ({
      cart,
      status,
      error,
      count: cart?.items.reduce((sum, item) => sum + item.quantity, 0) ?? 0,
      refresh,
      add,
      setQuantity,
      remove,
      settleAfterOrder,
      added,
      drawerOpen,
      openDrawer,
      closeDrawer,
    }),
    [
      cart,
      status,
      error,
      refresh,
      add,
      setQuantity,
      remove,
      settleAfterOrder,
      added,
      drawerOpen,
      openDrawer,
      closeDrawer,
    ],
  );
  return <CartContext.Provider value={value}>{children}</CartContext.Provider>;
}

export function useCart(): CartState {
  const cart = useContext(CartContext);
  if (!cart) throw new Error('useCart() outside <CartProvider>');
  return cart;
}
