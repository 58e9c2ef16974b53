import { EVENT_TYPES, type EventPayloads } from '@shop/contracts';
import { type Db, Outbox, preparedStatement } from '@shop/platform';
import { and, asc, desc, eq, gte, inArray, isNotNull, isNull, lte, type SQL, sql } from 'drizzle-orm';
import type { Order, OrderStatus } from '../domain/order.ts';
import type { NewOrder, OrderEvent, OrderQuery, OrderSort, OrderStore } from '../domain/ports.ts';
import { orderMoveEvent, orderPlacedEvent } from '../events/order-events.ts';
import { idempotencyKeys, orderLines, orders, outbox } from './schema.ts';

export class PgOrderStore implements OrderStore {
  private readonly events = new Outbox<EventPayloads>(outbox, '/order');

  constructor(private readonly db: Db) {}

  /**
   * One statement, so one round trip and its own transaction: the key's attempt is checked
   * and the order's id drawn from its sequence onto the key, then the order, its lines and
   * its `order.placed` row are inserted, and the relay notified. No row when the key's
   * attempt is no longer this one. The event is built before the id exists, so the
   * statement writes the id into it (`data.order_id`).
   */
  async insert(input: NewOrder): Promise<Order | null> {
    const lines = [...input.lines].sort((a, b) => a.productId - b.productId);
    const event = this.events.event(EVENT_TYPES.orderPlaced, orderPlacedEvent({ ...input, lines, id: 0 }));
    const [row] = await insertOrder(this.db, {
      userId: input.userId,
      key: input.idempotency.key,
      attemptId: input.idempotency.attemptId,
      email: input.email,
      totalCents: input.totalCents,
      currency: input.currency,
      reservationId: input.reservationId,
      fromCart: input.fromCart,
      lines: JSON.stringify(lines.map(lineColumns)),
      eventId: event.id,
      eventType: event.type,
      event: JSON.stringify(event),
      channel: this.events.channel,
    });
    if (!row) return null;
    return {
      id: row.id,
      userId: input.userId,
      email: input.email,
      status: 'confirmed',
      lines,
      totalCents: input.totalCents,
      currency: input.currency,
      reservationId: input.reservationId,
      createdAt: new Date(row.created_at),
      updatedAt: new Date(row.updated_at),
    };
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
      const { type, data } = orderMoveEvent(event);
      await this.events.add(tx, type, data);
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

  async orderOfReservation(reservationId: string, orderRef: string): Promise<OrderStatus | null> {
    return this.db.transaction(async (tx) => {
      // Locking the attempt's key row first waits out an insert under way by that attempt,
      // so the order it makes is seen below, or the insert finds the key gone and fails.
      const attempt = UUID.test(orderRef)
        ? await tx
            .select({ orderId: idempotencyKeys.orderId })
            .from(idempotencyKeys)
            .where(eq(idempotencyKeys.attemptId, orderRef))
            .for('update')
        : [];
      const [order] = await tx
        .select({ status: orders.status })
        .from(orders)
        .where(eq(orders.reservationId, reservationId));
      if (order) return order.status;
      if (attempt.length > 0) {
        // No order, so none may come: the attempt loses its key (a retry claims it afresh).
        await tx
          .delete(idempotencyKeys)
          .where(and(eq(idempotencyKeys.attemptId, orderRef), isNull(idempotencyKeys.orderId)));
      }
      return null;
    });
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

/** Attempt ids are UUIDs: another ref was never an attempt of this service. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function sortOrder(sort: OrderSort): { key: SQL; type: 'timestamptz' | 'bigint'; descending: boolean } {
  switch (sort) {
    case 'date':
      return { key: sql`${orders.createdAt}`, type: 'timestamptz', descending: false };
    case '-date':
      return { key: sql`${orders.createdAt}`, type: 'timestamptz', descending: true };
    case 'total':
      return { key: sql`${orders.totalCents}`, type: 'bigint', descending: false };
    case '-total':
      return { key: sql`${orders.totalCents}`, type: 'bigint', descending: true };
  }
}

const p = sql.placeholder;

/** PgOrderStore.insert's statement, built once (see there). */
const insertOrder = preparedStatement<
  {
    userId: number;
    key: string;
    attemptId: string;
    email: string;
    totalCents: number;
    currency: string;
    reservationId: string;
    fromCart: boolean;
    /** The lines as a JSON array of lineColumns. */
    lines: string;
    eventId: string;
    eventType: string;
    /** The order.placed event as JSON, its data.order_id still to be set. */
    event: string;
    channel: string;
  },
  { id: number; created_at: string | Date; updated_at: string | Date }
>(
  'order_insert',
  sql`
  with claimed as (
    update ${idempotencyKeys}
    set order_id = nextval(pg_get_serial_sequence('"order".orders', 'id')), locked_until = now() + interval '1 minute'
    where user_id = ${p('userId')} and key = ${p('key')} and attempt_id = ${p('attemptId')} and order_id is null
    returning order_id
  ), saved as (
    insert into ${orders} (id, user_id, email, status, total_cents, currency, reservation_id, from_cart)
    overriding system value
    select order_id, ${p('userId')}::int, ${p('email')}::text, 'confirmed', ${p('totalCents')}::bigint,
      ${p('currency')}::text, ${p('reservationId')}::uuid, ${p('fromCart')}::boolean
    from claimed
    returning id, created_at, updated_at
  ), saved_lines as (
    insert into ${orderLines} (order_id, product_id, name, unit_price_cents, quantity)
    select saved.id, line.product_id, line.name, line.unit_price_cents, line.quantity
    from saved, jsonb_to_recordset(${p('lines')}::jsonb)
      as line (product_id int, name text, unit_price_cents int, quantity int)
  ), published as (
    insert into ${outbox} (event_id, type, event)
    select ${p('eventId')}::uuid, ${p('eventType')}::text, jsonb_set(${p('event')}::jsonb, '{data,order_id}', to_jsonb(saved.id))
    from saved
  )
  select id, created_at, updated_at, pg_notify(${p('channel')}::text, '') from saved`,
);

function lineColumns(line: Order['lines'][number]) {
  return {
    product_id: line.productId,
    name: line.name,
    unit_price_cents: line.unitPriceCents,
    quantity: line.quantity,
  };
}
