import { EVENT_TYPES } from '@shop/contracts';
import { type Db, Outbox } from '@shop/platform';
import { and, asc, desc, eq, gte, inArray, isNotNull, isNull, lte, type SQL, sql } from 'drizzle-orm';
import type { Order, OrderStatus } from '../domain/order.ts';
import type { NewOrder, OrderEvent, OrderQuery, OrderSort, OrderStore } from '../domain/ports.ts';
import { idempotencyKeys, orderLines, orders, outbox } from './schema.ts';

export class PgOrderStore implements OrderStore {
  private readonly events = new Outbox(outbox, '/order');

  constructor(private readonly db: Db) {}

  async insert(input: NewOrder): Promise<Order | null> {
    const id = await this.db.transaction(async (tx) => {
      const stillOurs = await tx
        .update(idempotencyKeys)
        .set({ lockedUntil: sql`now() + interval '1 minute'` })
        .where(
          and(
            eq(idempotencyKeys.userId, input.userId),
            eq(idempotencyKeys.key, input.idempotency.key),
            eq(idempotencyKeys.attemptId, input.idempotency.attemptId),
            isNull(idempotencyKeys.orderId),
          ),
        )
        .returning({ key: idempotencyKeys.key });
      if (stillOurs.length === 0) return null;
      const [row] = await tx
        .insert(orders)
        .values({
          userId: input.userId,
          email: input.email,
          status: 'confirmed',
          totalCents: input.totalCents,
          currency: input.currency,
          reservationId: input.reservationId,
          reservationAction: 'commit',
          fromCart: input.fromCart,
        })
        .returning({ id: orders.id });
      if (!row) throw new Error('insert returned no row');
      await tx.insert(orderLines).values(input.lines.map((line) => ({ orderId: row.id, ...line })));
      await tx
        .update(idempotencyKeys)
        .set({ orderId: row.id })
        .where(and(eq(idempotencyKeys.userId, input.userId), eq(idempotencyKeys.key, input.idempotency.key)));
      await this.events.add(tx, EVENT_TYPES.orderPlaced, {
        order_id: row.id,
        user_id: input.userId,
        email: input.email,
        items: input.lines.map((line) => ({
          product_id: line.productId,
          name: line.name,
          unit_price_cents: line.unitPriceCents,
          quantity: line.quantity,
          line_total_cents: line.unitPriceCents * line.quantity,
        })),
        total_cents: input.totalCents,
        currency: input.currency,
        from_cart: input.fromCart,
      });
      return row.id;
    });
    return id === null ? null : this.find(id);
  }

  async find(id: number): Promise<Order | null> {
    const [row] = await this.db.select().from(orders).where(eq(orders.id, id));
    if (!row) return null;
    const [withLines] = await this.withLines([row]);
    return withLines ?? null;
  }

  async list(query: OrderQuery): Promise<{ items: Order[]; next: { value: string; id: number } | null }> {
    const order = sortOrder(query.sort);
    const conditions: SQL[] = [];
    if (query.userId !== undefined) conditions.push(eq(orders.userId, query.userId));
    if (query.status) conditions.push(eq(orders.status, query.status));
    if (query.minTotalCents !== undefined) conditions.push(gte(orders.totalCents, query.minTotalCents));
    if (query.maxTotalCents !== undefined) conditions.push(lte(orders.totalCents, query.maxTotalCents));
    if (query.after) {
      const value = sql`cast(${query.after.value} as ${sql.raw(order.type)})`;
      conditions.push(
        order.descending
          ? sql`(${order.key}, ${orders.id}) < (${value}, ${query.after.id})`
          : sql`(${order.key}, ${orders.id}) > (${value}, ${query.after.id})`,
      );
    }
    const rows = await this.db
      .select({ row: orders, sortValue: sql<string>`(${order.key})::text` })
      .from(orders)
      .where(and(...conditions))
      .orderBy(...(order.descending ? [desc(order.key), desc(orders.id)] : [asc(order.key), asc(orders.id)]))
      .limit(query.limit + 1);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: await this.withLines(page.map((entry) => entry.row)),
      next: rows.length > query.limit && last ? { value: last.sortValue, id: last.row.id } : null,
    };
  }

  async setStatus(id: number, from: OrderStatus, to: OrderStatus, event: OrderEvent): Promise<Order | null> {
    const moved = await this.db.transaction(async (tx) => {
      const [row] = await tx
        .update(orders)
        .set({
          status: to,
          updatedAt: sql`now()`,
          // A cancelled order owes the product service a release, whatever it owed before.
          ...(to === 'cancelled' ? { reservationAction: 'release' as const } : {}),
        })
        .where(and(eq(orders.id, id), eq(orders.status, from)))
        .returning({ id: orders.id });
      if (!row) return false;
      await this.events.add(
        tx,
        event.type === 'order.cancelled' ? EVENT_TYPES.orderCancelled : EVENT_TYPES.orderStatusChanged,
        event.data,
      );
      return true;
    });
    return moved ? this.find(id) : null;
  }

  async pendingReservations(limit: number) {
    const rows = await this.db
      .select({ id: orders.id, reservationId: orders.reservationId, action: orders.reservationAction })
      .from(orders)
      .where(isNotNull(orders.reservationAction))
      .orderBy(asc(orders.id))
      .limit(limit);
    return rows.map((row) => ({ id: row.id, reservationId: row.reservationId, action: row.action ?? 'commit' }));
  }

  async reservationSettled(id: number, action: 'commit' | 'release'): Promise<void> {
    await this.db
      .update(orders)
      .set({ reservationAction: null })
      .where(and(eq(orders.id, id), eq(orders.reservationAction, action)));
  }

  private async withLines(rows: Array<typeof orders.$inferSelect>): Promise<Order[]> {
    if (rows.length === 0) return [];
    const lines = await this.db
      .select()
      .from(orderLines)
      .where(
        inArray(
          orderLines.orderId,
          rows.map((row) => row.id),
        ),
      )
      .orderBy(asc(orderLines.orderId), asc(orderLines.productId));
    return rows.map((row) => ({
      id: row.id,
      userId: row.userId,
      email: row.email,
      status: row.status,
      totalCents: row.totalCents,
      currency: row.currency,
      reservationId: row.reservationId,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      lines: lines
        .filter((line) => line.orderId === row.id)
        .map(({ productId, name, unitPriceCents, quantity }) => ({ productId, name, unitPriceCents, quantity })),
    }));
  }
}

function sortOrder(sort: OrderSort): { key: SQL; type: 'timestamptz' | 'integer'; descending: boolean } {
  switch (sort) {
    case 'date':
      return { key: sql`${orders.createdAt}`, type: 'timestamptz', descending: false };
    case '-date':
      return { key: sql`${orders.createdAt}`, type: 'timestamptz', descending: true };
    case 'total':
      return { key: sql`${orders.totalCents}`, type: 'integer', descending: false };
    case '-total':
      return { key: sql`${orders.totalCents}`, type: 'integer', descending: true };
  }
}
