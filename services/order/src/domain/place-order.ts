import { conflict, DomainError, ruleViolation } from '@shop/platform/errors';
import type { Order } from './order.ts';
import { totalOf } from './order.ts';
import type { CartGateway, IdempotencyStore, OrderStore, ProductGateway, RequestedItem, Reservation } from './ports.ts';
import { hashRequest, type OrderRequestBody } from './request-hash.ts';

export interface PlaceOrderDeps {
  products: ProductGateway;
  cart: CartGateway;
  orders: OrderStore;
  keys: IdempotencyStore;
  currency: string;
  /** How long an attempt holds its key before another request may take it over. */
  keyLeaseMs: number;
  /** How long a duplicate request waits for the first one to finish. */
  duplicateWaitMs: number;
  sleep: (ms: number) => Promise<void>;
  onUndoFailed?: (details: { reservationId: string; error: unknown }) => void;
}

export interface PlaceOrderRequest {
  user: { id: number; email: string; token: string };
  idempotencyKey: string;
  body: OrderRequestBody;
}

export const MAX_QUANTITY = 99;

/**
 * The checkout saga (services/order/README.md). Never trusts a client price: the lines and
 * prices are the ones the product service reserved. The reservation is not committed
 * here: the product service commits it when `order.placed` reaches it, and its expiry
 * sweeper asks this service about any reservation still held when its time is up.
 */
export async function placeOrder(
  request: PlaceOrderRequest,
  deps: PlaceOrderDeps,
): Promise<{ order: Order; replayed: boolean }> {
  const requestHash = hashRequest(request.body);
  const claim = await claimKey(request, requestHash, deps); // 1. the key, before any work
  if (claim.kind === 'done') return { order: await existingOrder(claim.orderId, deps), replayed: true };

  let reservation: Reservation | undefined;
  let saved: Order | null = null;
  try {
    const items = await itemsToOrder(request, deps); // 2. what to order: the body or the cart
    reservation = await deps.products.reserve(claim.attemptId, items); // 3. stock and today's prices
    checkReservationMatches(reservation, items);
    saved = await deps.orders.insert({
      // 4. order + lines + order.placed (which commits the reservation), one transaction
      userId: request.user.id,
      email: request.user.email,
      lines: reservation.lines,
      totalCents: totalOf(reservation.lines),
      currency: deps.currency,
      reservationId: reservation.id,
      fromCart: request.body.fromCart === true,
      idempotency: { key: request.idempotencyKey, attemptId: claim.attemptId },
    });
    // The key moved on: another request took it over, or this attempt ran so long that the
    // product service was told it had no order (and expires its reservation).
    if (!saved) throw conflict('This request no longer holds its Idempotency-Key; retry with the same key.');
  } catch (error) {
    if (reservation && !saved) await undoReservation(reservation.id, deps); // undo of step 3
    await deps.keys.free(request.user.id, request.idempotencyKey, claim.attemptId);
    throw error;
  }
  return { order: saved, replayed: false };
}

type Claimed = { kind: 'claimed'; attemptId: string } | { kind: 'done'; orderId: number };

async function claimKey(request: PlaceOrderRequest, requestHash: string, deps: PlaceOrderDeps): Promise<Claimed> {
  const deadline = Date.now() + deps.duplicateWaitMs;
  for (;;) {
    const claim = await deps.keys.claim(request.user.id, request.idempotencyKey, requestHash, deps.keyLeaseMs);
    if (claim.kind === 'claimed') return claim;
    if (claim.requestHash !== requestHash) {
      throw ruleViolation('This Idempotency-Key was used with a different request body.', {
        errors: [{ field: 'Idempotency-Key', message: 'was used with another body' }],
      });
    }
    if (claim.kind === 'done') return claim;
    if (Date.now() >= deadline) {
      throw new DomainError('conflict', 'A request with this Idempotency-Key is still in progress; retry shortly.', {
        retryAfterSeconds: 1,
      });
    }
    await deps.sleep(50);
  }
}

async function itemsToOrder(request: PlaceOrderRequest, deps: PlaceOrderDeps): Promise<RequestedItem[]> {
  const items = request.body.fromCart ? await deps.cart.items(request.user.token) : [...(request.body.items ?? [])];
  if (items.length === 0) {
    throw ruleViolation(request.body.fromCart ? 'The cart is empty.' : 'An order needs at least one item.', {
      errors: [{ field: request.body.fromCart ? 'from_cart' : 'items', message: 'nothing to order' }],
    });
  }
  const seen = new Set<number>();
  for (const item of items) {
    if (seen.has(item.productId)) {
      throw ruleViolation(`Product ${item.productId} appears twice; give each product once with its quantity.`, {
        errors: [{ field: 'items', message: `product ${item.productId} appears twice` }],
      });
    }
    seen.add(item.productId);
    if (!Number.isInteger(item.quantity) || item.quantity < 1 || item.quantity > MAX_QUANTITY) {
      throw ruleViolation(`Quantities are 1 to ${MAX_QUANTITY}.`, {
        errors: [{ field: 'items', message: `quantity of product ${item.productId} must be 1 to ${MAX_QUANTITY}` }],
      });
    }
  }
  return items;
}

/** A reservation made under this attempt's ref must be for exactly these lines. */
function checkReservationMatches(reservation: Reservation, items: readonly RequestedItem[]): void {
  const wanted = new Map(items.map((item) => [item.productId, item.quantity]));
  const same =
    reservation.status === 'held' &&
    reservation.lines.length === wanted.size &&
    reservation.lines.every((line) => wanted.get(line.productId) === line.quantity);
  if (!same) throw new DomainError('conflict', 'The stock reservation does not match this order; retry.');
}

async function existingOrder(orderId: number, deps: PlaceOrderDeps): Promise<Order> {
  const order = await deps.orders.find(orderId);
  if (!order) throw new Error(`idempotency key points at missing order ${orderId}`);
  return order;
}

async function undoReservation(reservationId: string, deps: PlaceOrderDeps): Promise<void> {
  try {
    await deps.products.release(reservationId);
  } catch (error) {
    // The reservation expires by itself (RESERVATION_TTL): the stock comes back either way.
    deps.onUndoFailed?.({ reservationId, error });
  }
}
