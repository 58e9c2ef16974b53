import type { Order, OrderLine, OrderStatus } from './order.ts';

export interface RequestedItem {
  productId: number;
  quantity: number;
}

export interface Reservation {
  id: string;
  status: 'held' | 'committed' | 'released' | 'expired';
  lines: OrderLine[];
}

/** The product service's inventory API, as the saga needs it. */
export interface ProductGateway {
  /** All lines or none, at today's prices; idempotent by `orderRef`. */
  reserve(orderRef: string, items: readonly RequestedItem[]): Promise<Reservation>;
  commit(reservationId: string): Promise<void>;
  /** Returns the stock; safe when there is nothing to release. */
  release(reservationId: string): Promise<void>;
}

/** The cart service, read with the caller's own token. */
export interface CartGateway {
  items(userToken: string): Promise<RequestedItem[]>;
}

export interface NewOrder {
  userId: number;
  email: string;
  lines: OrderLine[];
  totalCents: number;
  currency: string;
  reservationId: string;
  fromCart: boolean;
  idempotency: { key: string; attemptId: string };
}

export interface OrderQuery {
  userId?: number;
  status?: OrderStatus;
  minTotalCents?: number;
  maxTotalCents?: number;
  sort: OrderSort;
  after?: { value: string; id: number };
  limit: number;
}

export const ORDER_SORTS = ['date', '-date', 'total', '-total'] as const;
export type OrderSort = (typeof ORDER_SORTS)[number];

export interface OrderStore {
  /**
   * Inserts the order, its lines, its `order.placed` event and links the idempotency key
   * to it, in one transaction. Null when the key's attempt is no longer this one (another
   * request took the key over).
   */
  insert(order: NewOrder): Promise<Order | null>;
  find(id: number): Promise<Order | null>;
  list(query: OrderQuery): Promise<{ items: Order[]; next: { value: string; id: number } | null }>;
  /** Moves the status if it is still `from`; writes the event with it. Null if it was not. */
  setStatus(id: number, from: OrderStatus, to: OrderStatus, event: OrderEvent): Promise<Order | null>;
  /**
   * Orders whose reservation still needs a call to the product service: a commit after
   * placing, a release after cancelling, that failed or was interrupted.
   */
  pendingReservations(limit: number): Promise<PendingReservation[]>;
  /** Records that the reservation call for `action` went through. */
  reservationSettled(id: number, action: 'commit' | 'release'): Promise<void>;
  /**
   * The status of the order that holds `reservationId`, or null when none does. Null is
   * final: in the same transaction the attempt that reserved it (`orderRef`) loses its
   * idempotency key, so it can never insert its order afterwards.
   */
  orderOfReservation(reservationId: string, orderRef: string): Promise<OrderStatus | null>;
}

/** An order whose reservation still needs its commit or release call. */
export interface PendingReservation {
  id: number;
  reservationId: string;
  action: 'commit' | 'release';
}

export type OrderEvent =
  | { type: 'order.cancelled'; data: { order_id: number; user_id: number; email: string; reason: string } }
  | { type: 'order.status_changed'; data: { order_id: number; status: OrderStatus } };

export type KeyClaim =
  | { kind: 'claimed'; attemptId: string }
  | { kind: 'done'; requestHash: string; orderId: number }
  | { kind: 'busy'; requestHash: string };

/** Idempotency keys per user, with the hash of the body they were first used with. */
export interface IdempotencyStore {
  /**
   * Claims `key` for a new attempt, unless it is done (→ its order) or another attempt
   * holds it and has not gone stale (→ busy). A stale attempt (its holder died) is taken over.
   */
  claim(userId: number, key: string, requestHash: string, leaseMs: number): Promise<KeyClaim>;
  /** The attempt failed with nothing to keep: the key is free again. */
  free(userId: number, key: string, attemptId: string): Promise<void>;
}

export interface Clock {
  now(): Date;
}
