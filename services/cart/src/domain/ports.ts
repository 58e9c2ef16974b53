/** One line of a stored cart: which product and how many. Names and prices are never stored. */
export interface CartLine {
  productId: number;
  quantity: number;
}

/** Setting a quantity either lands, or is refused because the cart holds `maxLines` other products. */
export type SetQuantityResult = 'set' | 'cart_full';

/**
 * Each user's cart. Adapters: RedisCartStore (server mode) and PgCartStore (PostgreSQL
 * or PGlite); both pass test/db/cart-store.contract.ts. Every read or write restarts
 * the cart's idle time.
 */
export interface CartStore {
  /** The user's lines in the order they were first added; none for a user without a cart. */
  lines(userId: number): Promise<CartLine[]>;
  /**
   * Sets a line's quantity (not adds to it); a new product goes last. A new product is
   * refused when the cart already holds `maxLines` products, also under concurrent calls.
   */
  setQuantity(userId: number, productId: number, quantity: number, maxLines: number): Promise<SetQuantityResult>;
  /** Removes these products' lines; products not in the cart are ignored. */
  remove(userId: number, productIds: readonly number[]): Promise<void>;
  clear(userId: number): Promise<void>;
  /**
   * Subtracts an order's quantities from the cart (lines reaching 0 or less go), once per
   * `eventId`: false, changing nothing, when that event was applied before.
   */
  applyOrder(userId: number, eventId: string, items: readonly CartLine[]): Promise<boolean>;
}

/** A store whose carts do not expire by themselves (PostgreSQL): a job deletes idle ones. */
export interface IdleCarts {
  /** Deletes up to `limit` carts untouched since `cutoff`; returns how many. */
  deleteIdleSince(cutoff: Date, limit: number): Promise<number>;
}

/** A product as the cart shows it: today's name and price. */
export interface CatalogProduct {
  id: number;
  name: string;
  priceCents: number;
}

/** The product service's catalog, as the cart reads it. */
export interface ProductCatalog {
  /**
   * Today's name and price, or null when the product is not sold (never existed, deleted
   * or archived). Rejects with an 'unavailable' DomainError when the catalog cannot answer.
   */
  find(productId: number): Promise<CatalogProduct | null>;
}

export interface Clock {
  now(): Date;
}
