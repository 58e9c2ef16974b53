import { type Db, Inbox } from '@shop/platform';
import { and, asc, count, eq, inArray, lt, sql } from 'drizzle-orm';
import type { CartLine, CartStore, Clock, IdleCarts, SetQuantityResult } from '../domain/ports.ts';
import { carts, inbox, lines } from './schema.ts';

/** The inbox consumer name: also the bus consumer the events arrive under. */
export const INBOX_CONSUMER = 'cart';

const systemClock: Clock = { now: () => new Date() };

/**
 * Carts in PostgreSQL or PGlite (embedded mode). Every change to a user's cart first
 * upserts the user's `carts` row, which locks it: changes to one cart run one after
 * another, so the line limit holds under concurrency. `touched_at` follows the clock,
 * and the idle sweep (jobs/idle-cart-sweeper.ts) deletes carts untouched for too long.
 */
export class PgCartStore implements CartStore, IdleCarts {
  private readonly inbox: Inbox;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock = systemClock,
  ) {
    this.inbox = new Inbox(db, inbox);
  }

  async lines(userId: number): Promise<CartLine[]> {
    const rows = await this.db
      .select({ productId: lines.productId, quantity: lines.quantity })
      .from(lines)
      .where(eq(lines.userId, userId))
      .orderBy(asc(lines.position));
    if (rows.length > 0) await this.touch(this.db, userId);
    return rows;
  }

  async setQuantity(userId: number, productId: number, quantity: number, maxLines: number): Promise<SetQuantityResult> {
    const now = this.clock.now();
    return this.db.transaction(async (tx) => {
      await this.lockCart(tx, userId, now);
      const updated = await tx
        .update(lines)
        .set({ quantity })
        .where(and(eq(lines.userId, userId), eq(lines.productId, productId)))
        .returning({ productId: lines.productId });
      if (updated.length > 0) return 'set';
      const [held] = await tx.select({ n: count() }).from(lines).where(eq(lines.userId, userId));
      if ((held?.n ?? 0) >= maxLines) return 'cart_full';
      await tx.insert(lines).values({ userId, productId, quantity, addedAt: now });
      return 'set';
    });
  }

  async remove(userId: number, productIds: readonly number[]): Promise<void> {
    if (productIds.length === 0) return;
    await this.db.delete(lines).where(and(eq(lines.userId, userId), inArray(lines.productId, [...productIds])));
    await this.touch(this.db, userId);
  }

  async clear(userId: number): Promise<void> {
    await this.db.delete(carts).where(eq(carts.userId, userId)); // its lines go with it
  }

  async applyOrder(userId: number, eventId: string, items: readonly CartLine[]): Promise<boolean> {
    return this.inbox.handleOnce(INBOX_CONSUMER, eventId, async (tx) => {
      // The cart row first, as setQuantity takes it: the same lock order, so no deadlock.
      await this.touch(tx, userId);
      if (items.length === 0) return;
      const ordered = sql.join(
        items.map((item) => sql`(${item.productId}::integer, ${item.quantity}::integer)`),
        sql`, `,
      );
      // One statement: lines the order used up go, the others keep what is left.
      await tx.execute(sql`
        with ordered (product_id, quantity) as (values ${ordered}),
        used_up as (
          delete from ${lines} using ordered
          where ${lines.userId} = ${userId} and ${lines.productId} = ordered.product_id
            and ${lines.quantity} <= ordered.quantity
        )
        update ${lines} set quantity = ${lines.quantity} - ordered.quantity
        from ordered
        where ${lines.userId} = ${userId} and ${lines.productId} = ordered.product_id
          and ${lines.quantity} > ordered.quantity`);
    });
  }

  async deleteIdleSince(cutoff: Date, limit: number): Promise<number> {
    const idle = this.db
      .select({ userId: carts.userId })
      .from(carts)
      .where(lt(carts.touchedAt, cutoff))
      .limit(limit)
      .for('update', { skipLocked: true });
    const deleted = await this.db.delete(carts).where(inArray(carts.userId, idle)).returning({ userId: carts.userId });
    // An event is redelivered within minutes or hours, never after a whole idle period.
    await this.db.delete(inbox).where(and(eq(inbox.consumer, INBOX_CONSUMER), lt(inbox.handledAt, cutoff)));
    return deleted.length;
  }

  /** Creates the cart row if needed and locks it until the transaction ends. */
  private async lockCart(tx: Db, userId: number, now: Date): Promise<void> {
    await tx
      .insert(carts)
      .values({ userId, touchedAt: now })
      .onConflictDoUpdate({ target: carts.userId, set: { touchedAt: now } });
  }

  private async touch(db: Db, userId: number): Promise<void> {
    await db.update(carts).set({ touchedAt: this.clock.now() }).where(eq(carts.userId, userId));
  }
}
