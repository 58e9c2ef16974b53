import type { CartLine, CartStore, Clock, IdleCarts, SetQuantityResult } from '../../src/domain/ports.ts';

interface MemoryCart {
  lines: Map<number, number>;
  touchedAt: number;
}

/**
 * The CartStore the domain tests use: carts in memory, with the same semantics as the
 * real adapters (test/db/memory-cart-store.test.ts runs the same contract against it).
 * JavaScript runs each call to its end without interleaving, so every call is atomic.
 */
export class MemoryCartStore implements CartStore, IdleCarts {
  private readonly carts = new Map<number, MemoryCart>();
  private readonly applied = new Map<string, number>();
  /** How often each method was called. */
  readonly calls = { lines: 0, setQuantity: 0, remove: 0, clear: 0, applyOrder: 0 };

  constructor(private readonly clock: Clock = { now: () => new Date() }) {}

  async lines(userId: number): Promise<CartLine[]> {
    this.calls.lines += 1;
    const cart = this.touch(userId);
    return cart ? [...cart.lines].map(([productId, quantity]) => ({ productId, quantity })) : [];
  }

  async setQuantity(userId: number, productId: number, quantity: number, maxLines: number): Promise<SetQuantityResult> {
    this.calls.setQuantity += 1;
    const cart = this.touch(userId) ?? this.create(userId);
    if (!cart.lines.has(productId) && cart.lines.size >= maxLines) return 'cart_full';
    cart.lines.set(productId, quantity);
    return 'set';
  }

  async remove(userId: number, productIds: readonly number[]): Promise<void> {
    this.calls.remove += 1;
    const cart = this.touch(userId);
    for (const productId of productIds) cart?.lines.delete(productId);
  }

  async clear(userId: number): Promise<void> {
    this.calls.clear += 1;
    this.carts.delete(userId);
  }

  async applyOrder(userId: number, eventId: string, items: readonly CartLine[]): Promise<boolean> {
    this.calls.applyOrder += 1;
    if (this.applied.has(eventId)) return false;
    this.applied.set(eventId, this.clock.now().getTime());
    const cart = this.touch(userId);
    for (const item of items) {
      const left = (cart?.lines.get(item.productId) ?? 0) - item.quantity;
      if (left > 0) cart?.lines.set(item.productId, left);
      else cart?.lines.delete(item.productId);
    }
    return true;
  }

  async deleteIdleSince(cutoff: Date, limit: number): Promise<number> {
    const idle = [...this.carts].filter(([, cart]) => cart.touchedAt < cutoff.getTime()).slice(0, limit);
    for (const [userId] of idle) this.carts.delete(userId);
    for (const [eventId, at] of this.applied) if (at < cutoff.getTime()) this.applied.delete(eventId);
    return idle.length;
  }

  private touch(userId: number): MemoryCart | undefined {
    const cart = this.carts.get(userId);
    if (cart) cart.touchedAt = this.clock.now().getTime();
    return cart;
  }

  private create(userId: number): MemoryCart {
    const cart = { lines: new Map<number, number>(), touchedAt: this.clock.now().getTime() };
    this.carts.set(userId, cart);
    return cart;
  }
}
