import { randomUUID } from 'node:crypto';
import type { Db } from '@shop/platform';
import { and, asc, eq, gte, inArray, isNull, sql } from 'drizzle-orm';
import type { InventoryStore, Shortage } from '../domain/ports.ts';
import type { Reservation, ReservationLine, ReservationRequest } from '../domain/reservation.ts';
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

  async reserve(request: ReservationRequest, expiresAt: Date): Promise<ReserveResult> {
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

  async expireDue(now: Date, batch: number): Promise<number> {
    return this.db.transaction(async (tx) => {
      // SKIP LOCKED: several replicas sweep at once without waiting for or repeating each other.
      const due = await tx
        .select({ id: reservations.id })
        .from(reservations)
        .where(and(eq(reservations.status, 'held'), sql`${reservations.expiresAt} <= ${now.toISOString()}`))
        .orderBy(asc(reservations.expiresAt))
        .limit(batch)
        .for('update', { skipLocked: true });
      if (due.length === 0) return 0;
      const ids = due.map((row) => row.id);
      await tx
        .update(reservations)
        .set({ status: 'expired', updatedAt: sql`now()` })
        .where(inArray(reservations.id, ids));
      await returnStock(tx, ids);
      return ids.length;
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
