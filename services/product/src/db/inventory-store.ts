import { randomUUID } from 'node:crypto';
import { type Db, preparedStatement, writeBatch } from '@shop/platform';
import { and, asc, eq, gt, gte, inArray, isNull, sql } from 'drizzle-orm';
import type { DueReservation, InventoryStore, Shortage } from '../domain/ports.ts';
import type { Reservation, ReservationLine, ReservationRequest } from '../domain/reservation.ts';
import { intArray } from './int-array.ts';
import { products, reservationLines, reservations } from './schema.ts';

type ReserveResult = Awaited<ReturnType<InventoryStore['reserve']>>;

/** Thrown inside the transaction to roll it back with the reason. */
class Refused extends Error {
  constructor(readonly result: ReserveResult) {
    super('reservation refused');
  }
}

export class PgInventoryStore implements InventoryStore {
  constructor(private readonly db: Db) {}

  /** Commits arriving together (a burst of order.placed) go out as one UPDATE. */
  private readonly commitTogether = writeBatch(async (ids: readonly string[]) => {
    const moved = await this.db
      .update(reservations)
      .set({ status: 'committed', updatedAt: sql`now()` })
      .where(and(inArray(reservations.id, [...new Set(ids)]), eq(reservations.status, 'held')))
      .returning({ id: reservations.id });
    const committed = new Set(moved.map((row) => row.id));
    // The same id twice in one batch (a redelivery): the first call moved it, the second did not.
    return ids.map((id) => committed.delete(id));
  });

  async reserve(request: ReservationRequest, expiresAt: Date): Promise<ReserveResult> {
    return (await this.reserveAtOnce(request, expiresAt)) ?? this.reserveLineByLine(request, expiresAt);
  }

  /**
   * The common case in one statement, so one round trip and its own transaction: a new
   * order ref and every line in stock. Null (and nothing kept) otherwise, for
   * reserveLineByLine to sort out: a ref seen before, a short or unknown product. The
   * rows are locked first, in product id order (`locked`), so overlapping reservations
   * never deadlock. `locked` reads each row's latest version (as FOR UPDATE does), and
   * under those locks `enough` decides for every line at once; only then are the
   * reservation, the stock updates and the lines written. The update takes the stock
   * from `locked` too, not from its own snapshot, which may predate a release that
   * `enough` saw (CHECK (stock >= 0) stays the backstop).
   */
  private async reserveAtOnce(request: ReservationRequest, expiresAt: Date): Promise<ReserveResult | null> {
    const items = [...request.items].sort((a, b) => a.productId - b.productId);
    const id = randomUUID();
    const taken = await reserveAtOnce(this.db, {
      productIds: intArray(items.map((item) => item.productId)),
      quantities: intArray(items.map((item) => item.quantity)),
      lineCount: items.length,
      id,
      orderRef: request.orderRef,
      expiresAt: expiresAt.toISOString(),
    });
    if (taken.length === 0) return null;
    if (taken.length !== items.length) throw new Error(`reserved ${taken.length} of ${items.length} lines at once`);
    const lines = taken
      .map((line) => ({
        productId: line.product_id,
        name: line.name,
        unitPriceCents: line.unit_price_cents,
        quantity: line.quantity,
      }))
      .sort((a, b) => a.productId - b.productId);
    return {
      kind: 'reserved',
      reservation: { id, orderRef: request.orderRef, status: 'held', expiresAt, lines },
      created: true,
    };
  }

  private async reserveLineByLine(request: ReservationRequest, expiresAt: Date): Promise<ReserveResult> {
    try {
      return await this.db.transaction(async (tx) => {
        const id = randomUUID();
        const inserted = await tx
          .insert(reservations)
          .values({ id, orderRef: request.orderRef, status: 'held', expiresAt })
          .onConflictDoNothing({ target: reservations.orderRef })
          .returning({ id: reservations.id });
        if (inserted.length === 0) {
          const existing = await loadByOrderRef(tx, request.orderRef);
          if (!existing) throw new Error('reservation vanished between insert and read');
          return { kind: 'reserved', reservation: existing, created: false } as const;
        }

        // Rows are locked in product id order in every transaction, so two overlapping
        // reservations wait for each other instead of deadlocking.
        const items = [...request.items].sort((a, b) => a.productId - b.productId);
        const lines: ReservationLine[] = [];
        const shortages: Shortage[] = [];
        const unknown: number[] = [];
        for (const item of items) {
          for (;;) {
            if (shortages.length === 0 && unknown.length === 0) {
              const [taken] = await tx
                .update(products)
                .set({ stock: sql`${products.stock} - ${item.quantity}` })
                .where(
                  and(eq(products.id, item.productId), isNull(products.archivedAt), gte(products.stock, item.quantity)),
                )
                .returning({ name: products.name, unitPriceCents: products.priceCents });
              if (taken) {
                lines.push({ productId: item.productId, quantity: item.quantity, ...taken });
                break;
              }
            }
            const [found] = await tx
              .select({ stock: products.stock })
              .from(products)
              .where(and(eq(products.id, item.productId), isNull(products.archivedAt)));
            if (!found) unknown.push(item.productId);
            else if (found.stock < item.quantity)
              shortages.push({ product_id: item.productId, requested: item.quantity, available: found.stock });
            // Stock came back (a concurrent release) between the update and this read: take it again
            // rather than drop the line from the reservation.
            else if (shortages.length === 0 && unknown.length === 0) continue;
            break;
          }
        }
        if (unknown.length > 0) throw new Refused({ kind: 'unknown_products', productIds: unknown });
        if (shortages.length > 0) throw new Refused({ kind: 'short', shortages });

        await tx.insert(reservationLines).values(lines.map((line) => ({ reservationId: id, ...line })));
        return {
          kind: 'reserved',
          reservation: { id, orderRef: request.orderRef, status: 'held', expiresAt, lines },
          created: true,
        } as const;
      });
    } catch (error) {
      if (error instanceof Refused) return error.result;
      throw error;
    }
  }

  async find(id: string): Promise<Reservation | null> {
    return load(this.db, id);
  }

  async commit(id: string): Promise<Reservation | null> {
    await this.db
      .update(reservations)
      .set({ status: 'committed', updatedAt: sql`now()` })
      .where(and(eq(reservations.id, id), eq(reservations.status, 'held')));
    return load(this.db, id);
  }

  async commitHeld(id: string): Promise<boolean> {
    return this.commitTogether(id);
  }

  async release(id: string): Promise<Reservation | null> {
    return this.db.transaction(async (tx) => {
      const released = await tx
        .update(reservations)
        .set({ status: 'released', updatedAt: sql`now()` })
        .where(and(eq(reservations.id, id), inArray(reservations.status, ['held', 'committed'])))
        .returning({ id: reservations.id });
      if (released.length > 0) await returnStock(tx, [id]);
      return load(tx, id);
    });
  }

  async dueHeld(now: Date, limit: number, afterId?: string): Promise<DueReservation[]> {
    return this.db
      .select({ id: reservations.id, orderRef: reservations.orderRef })
      .from(reservations)
      .where(
        and(
          eq(reservations.status, 'held'),
          sql`${reservations.expiresAt} <= ${now.toISOString()}`,
          afterId === undefined ? undefined : gt(reservations.id, afterId),
        ),
      )
      .orderBy(asc(reservations.id))
      .limit(limit);
  }

  async settle(decisions: {
    commit: readonly string[];
    expire: readonly string[];
  }): Promise<{ committed: number; expired: number }> {
    const ids = [...decisions.commit, ...decisions.expire];
    if (ids.length === 0) return { committed: 0, expired: 0 };
    return this.db.transaction(async (tx) => {
      // Locked in id order (no deadlocks), skipping rows another replica or a commit or
      // release call holds right now: each reservation is settled once.
      const held = await tx
        .select({ id: reservations.id })
        .from(reservations)
        .where(and(inArray(reservations.id, ids), eq(reservations.status, 'held')))
        .orderBy(asc(reservations.id))
        .for('update', { skipLocked: true });
      const lockedHeld = new Set(held.map((row) => row.id));
      const commit = decisions.commit.filter((id) => lockedHeld.has(id));
      const expire = decisions.expire.filter((id) => lockedHeld.has(id));
      if (commit.length > 0) {
        await tx
          .update(reservations)
          .set({ status: 'committed', updatedAt: sql`now()` })
          .where(inArray(reservations.id, commit));
      }
      if (expire.length > 0) {
        await tx
          .update(reservations)
          .set({ status: 'expired', updatedAt: sql`now()` })
          .where(inArray(reservations.id, expire));
        await returnStock(tx, expire);
      }
      return { committed: commit.length, expired: expire.length };
    });
  }
}

/** Puts the reserved quantities back, one update per product in id order (no deadlocks). */
async function returnStock(tx: Db, reservationIds: string[]): Promise<void> {
  const totals = await tx
    .select({ productId: reservationLines.productId, quantity: sql<number>`sum(${reservationLines.quantity})::int` })
    .from(reservationLines)
    .where(inArray(reservationLines.reservationId, reservationIds))
    .groupBy(reservationLines.productId)
    .orderBy(asc(reservationLines.productId));
  for (const total of totals) {
    await tx
      .update(products)
      .set({ stock: sql`${products.stock} + ${total.quantity}` })
      .where(eq(products.id, total.productId));
  }
}

/** An int[] parameter as PostgreSQL's array text (`{1,2,3}`), the same for every driver. */
const p = sql.placeholder;

/** PgInventoryStore.reserveAtOnce's statement, built once (see there). */
const reserveAtOnce = preparedStatement<
  {
    /** Product ids and their quantities, as PostgreSQL array literals, in product id order. */
    productIds: string;
    quantities: string;
    lineCount: number;
    id: string;
    orderRef: string;
    expiresAt: string;
  },
  { product_id: number; name: string; unit_price_cents: number; quantity: number }
>(
  'product_reserve_at_once',
  sql`
  with wanted as (
    select * from unnest(${p('productIds')}::int[], ${p('quantities')}::int[]) as wanted (product_id, quantity)
  ), locked as materialized (
    select id, stock, archived_at from ${products}
    where id in (select product_id from wanted)
    order by id
    for update
  ), enough as (
    select count(*) = ${p('lineCount')}::int as ok
    from wanted join locked on locked.id = wanted.product_id
    where locked.archived_at is null and locked.stock >= wanted.quantity
  ), reservation as (
    insert into ${reservations} (id, order_ref, status, expires_at)
    select ${p('id')}::uuid, ${p('orderRef')}::text, 'held', ${p('expiresAt')}::timestamptz
    where (select ok from enough)
    on conflict (order_ref) do nothing
    returning id
  ), taken as (
    update ${products} set stock = locked.stock - wanted.quantity
    from wanted join locked on locked.id = wanted.product_id
    where ${products.id} = wanted.product_id and exists (select from reservation)
    returning ${products.id} as product_id, name, price_cents as unit_price_cents, wanted.quantity
  ), lines as (
    insert into ${reservationLines} (reservation_id, product_id, name, unit_price_cents, quantity)
    select ${p('id')}::uuid, product_id, name, unit_price_cents, quantity from taken
  )
  select * from taken`,
);

async function loadByOrderRef(db: Db, orderRef: string): Promise<Reservation | null> {
  const [row] = await db.select({ id: reservations.id }).from(reservations).where(eq(reservations.orderRef, orderRef));
  return row ? load(db, row.id) : null;
}

async function load(db: Db, id: string): Promise<Reservation | null> {
  const [row] = await db.select().from(reservations).where(eq(reservations.id, id));
  if (!row) return null;
  const lines = await db
    .select({
      productId: reservationLines.productId,
      name: reservationLines.name,
      unitPriceCents: reservationLines.unitPriceCents,
      quantity: reservationLines.quantity,
    })
    .from(reservationLines)
    .where(eq(reservationLines.reservationId, id))
    .orderBy(asc(reservationLines.productId));
  return { id: row.id, orderRef: row.orderRef, status: row.status, expiresAt: row.expiresAt, lines };
}
