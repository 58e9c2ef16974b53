import type { ProductPage, ProductQuery } from './listing.ts';
import type { Category, Product, ProductInput } from './product.ts';
import type { Reservation, ReservationRequest } from './reservation.ts';

export interface CategoryStore {
  list(after: number | undefined, limit: number): Promise<{ items: Category[]; nextAfterId: number | null }>;
  /** Null when the name or slug is taken. */
  create(name: string, slug: string): Promise<Category | null>;
  exists(id: number): Promise<boolean>;
}

/**
 * Products and their events: every write also writes its `product.*` event to the
 * outbox in the same transaction.
 */
export interface ProductStore {
  list(query: ProductQuery): Promise<ProductPage<Product>>;
  /** Active products only; archived ones are not found. */
  find(id: number): Promise<Product | null>;
  /** Archived ones too (past orders still name them). */
  findIncludingArchived(id: number): Promise<Product | null>;
  create(input: ProductInput): Promise<Product>;
  update(id: number, changes: Partial<ProductInput>): Promise<Product | null>;
  archive(id: number): Promise<boolean>;
  /** Adds `delta` to the stock unless that would go below zero (then null: see `find`). */
  adjustStock(id: number, delta: number): Promise<Product | null>;
  setImage(id: number, image: { key: string; etag: string }): Promise<Product | null>;
}

export interface InventoryStore {
  /**
   * Reserves every line or none, in one transaction, stock taken by a conditional
   * update so it cannot go below zero. The same `orderRef` returns the reservation it
   * made before. Short lines come back as `shortages` and nothing is taken.
   */
  reserve(
    request: ReservationRequest,
    expiresAt: Date,
  ): Promise<
    | { kind: 'reserved'; reservation: Reservation; created: boolean }
    | { kind: 'short'; shortages: Shortage[] }
    | { kind: 'unknown_products'; productIds: number[] }
  >;
  find(id: string): Promise<Reservation | null>;
  /** held → committed. Returns the reservation as it is after the call. */
  commit(id: string): Promise<Reservation | null>;
  /** held → committed in one statement; false when it was not held. */
  commitHeld(id: string): Promise<boolean>;
  /** held or committed → released, stock returned. Returns the reservation as it is after the call. */
  release(id: string): Promise<Reservation | null>;
  /** Held reservations past their time by `now`, in id order, from after `afterId` (a sweep's keyset). */
  dueHeld(now: Date, limit: number, afterId?: string): Promise<DueReservation[]>;
  /**
   * Settles reservations still held, each once even with several replicas at it: `commit`
   * ones become committed (the stock stays sold), `expire` ones expired with their stock
   * returned. Others (no longer held, or being settled elsewhere) are left as they are.
   */
  settle(decisions: { commit: readonly string[]; expire: readonly string[] }): Promise<{
    committed: number;
    expired: number;
  }>;
}

export interface DueReservation {
  id: string;
  orderRef: string;
}

/** commit: an order holds the reservation; release: none does (and none ever will), or it was cancelled. */
export type ReservationOutcome = 'commit' | 'release';

/** The order service, asked what became of held reservations before their stock goes back. */
export interface OrderOutcomes {
  /**
   * An answer per reservation, by id; one missing was not answered. Both answers are
   * final. Throws when the order service cannot answer.
   */
  outcomes(reservations: readonly DueReservation[]): Promise<Map<string, ReservationOutcome>>;
}

export type Shortage = {
  product_id: number;
  requested: number;
  available: number;
};

export interface BlobStore {
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  get(key: string): Promise<{ bytes: Buffer; contentType: string } | null>;
  delete(key: string): Promise<void>;
}

export interface Clock {
  now(): Date;
}
