import { databaseTargets } from '@shop/platform/testing';
import { and, eq, like, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgCategoryStore } from '../../src/db/category-store.ts';
import { PgInventoryStore } from '../../src/db/inventory-store.ts';
import { reservations } from '../../src/db/schema.ts';
import { FakeOrderOutcomes } from '../fakes/order-outcomes.ts';
import { buildTestProduct, type TestProduct } from '../helpers.ts';
import {
  commitOverHttp,
  getReservationOverHttp,
  insertHeldReservations,
  insertProduct,
  type ReservationBodyView,
  releaseOverHttp,
  reserveOverHttp,
  stockOf,
} from './support.ts';

const TTL_SECONDS = 1;

describe.each(databaseTargets())('reservation expiry on $name', (target) => {
  let service: TestProduct;
  let categoryId: number;
  let refs = 0;
  // A clock the test moves by hand; it starts far from the machine's time so nothing depends on it.
  let nowMs = Date.parse('2031-05-01T08:00:00.000Z');
  const clock = { now: () => new Date(nowMs) };
  const advance = (ms: number) => {
    nowMs += ms;
  };

  const orders = new FakeOrderOutcomes();

  beforeAll(async () => {
    service = await buildTestProduct(target, { reservationTtlSeconds: TTL_SECONDS, clock, orders });
    const category = await new PgCategoryStore(service.database.db).create('Expiry tests', 'expiry-tests');
    if (!category) throw new Error('category not created');
    categoryId = category.id;
  });
  afterAll(() => service.close());

  const db = () => service.database.db;
  const token = () => service.tokens.orderService;

  async function reserveOne(productId: number, quantity: number): Promise<ReservationBodyView> {
    const response = await reserveOverHttp(service.app, token(), `expiry-order-${++refs}`, [
      { product_id: productId, quantity },
    ]);
    if (response.statusCode !== 201) throw new Error(`reserve: ${response.statusCode} ${response.body}`);
    return response.json();
  }

  async function statusOf(id: string): Promise<string> {
    const response = await getReservationOverHttp(service.app, token(), id);
    expect(response.statusCode).toBe(200);
    return response.json().status;
  }

  it('when a reservation is made, then it expires the configured TTL after the clock’s now', async () => {
    const id = await insertProduct(db(), { stock: 5, categoryId });
    const reservation = await reserveOne(id, 1);
    expect(reservation.expires_at).toBe(new Date(nowMs + TTL_SECONDS * 1000).toISOString());
  });

  it('when the sweeper runs before a held reservation’s time, then it stays held and its stock stays taken', async () => {
    const id = await insertProduct(db(), { stock: 10, categoryId });
    const reservation = await reserveOne(id, 4);
    advance(TTL_SECONDS * 1000 - 1);
    await service.sweeper.runOnce();
    expect(await statusOf(reservation.reservation_id)).toBe('held');
    expect(await stockOf(db(), id)).toBe(6);
  });

  it('when the sweeper runs at a held reservation’s expiry time, then it is expired and its stock returns', async () => {
    const id = await insertProduct(db(), { stock: 10, categoryId });
    const reservation = await reserveOne(id, 4);
    expect(await stockOf(db(), id)).toBe(6);
    advance(TTL_SECONDS * 1000);
    await service.sweeper.runOnce();
    expect(await statusOf(reservation.reservation_id)).toBe('expired');
    expect(await stockOf(db(), id)).toBe(10);
  });

  it('when the order service says an order holds a due reservation, then the sweeper commits it, its stock stays sold, and later sweeps never return it', async () => {
    const id = await insertProduct(db(), { stock: 10, categoryId });
    const reservation = await reserveOne(id, 4);
    orders.placed(reservation.order_ref);
    advance(TTL_SECONDS * 1000 * 60);
    await service.sweeper.runOnce();
    expect(await statusOf(reservation.reservation_id)).toBe('committed');
    expect(await stockOf(db(), id)).toBe(6);
    // The order service's own late commit is still a 200 (committing twice is fine).
    expect((await commitOverHttp(service.app, token(), reservation.reservation_id)).statusCode).toBe(200);
    advance(TTL_SECONDS * 1000 * 60);
    await service.sweeper.runOnce();
    await service.sweeper.runOnce();
    expect(await statusOf(reservation.reservation_id)).toBe('committed');
    expect(await stockOf(db(), id)).toBe(6);
  });

  it('when the order service says the order was cancelled, then the sweeper expires the reservation and its stock returns', async () => {
    const id = await insertProduct(db(), { stock: 10, categoryId });
    const reservation = await reserveOne(id, 4);
    orders.cancelled(reservation.order_ref);
    advance(TTL_SECONDS * 1000);
    await service.sweeper.runOnce();
    expect(await statusOf(reservation.reservation_id)).toBe('expired');
    expect(await stockOf(db(), id)).toBe(10);
  });

  it('when the order service cannot answer, then due reservations stay held with their stock, sweep after sweep, and are settled once it answers', async () => {
    const id = await insertProduct(db(), { stock: 10, categoryId });
    const withOrder = await reserveOne(id, 2);
    const withoutOrder = await reserveOne(id, 3);
    orders.placed(withOrder.order_ref);
    advance(TTL_SECONDS * 1000 * 60);
    orders.down();
    try {
      const askedBefore = orders.asked.length;
      for (let sweep = 0; sweep < 3; sweep++) await service.sweeper.runOnce();
      expect(orders.asked.length - askedBefore).toBe(3);
      expect(await statusOf(withOrder.reservation_id)).toBe('held');
      expect(await statusOf(withoutOrder.reservation_id)).toBe('held');
      expect(await stockOf(db(), id)).toBe(5);
    } finally {
      orders.up();
    }
    await service.sweeper.runOnce();
    expect(await statusOf(withOrder.reservation_id)).toBe('committed');
    expect(await statusOf(withoutOrder.reservation_id)).toBe('expired');
    expect(await stockOf(db(), id)).toBe(8);
  });

  it('when the answer leaves a reservation out, then that one stays held and the others are settled; answered later, it is settled too', async () => {
    const id = await insertProduct(db(), { stock: 10, categoryId });
    const unanswered = await reserveOne(id, 1);
    const answered = await reserveOne(id, 2);
    orders.silent(unanswered.order_ref);
    advance(TTL_SECONDS * 1000);
    await service.sweeper.runOnce();
    expect(await statusOf(unanswered.reservation_id)).toBe('held');
    expect(await statusOf(answered.reservation_id)).toBe('expired');
    expect(await stockOf(db(), id)).toBe(9);
    orders.answers(unanswered.order_ref);
    await service.sweeper.runOnce();
    expect(await statusOf(unanswered.reservation_id)).toBe('expired');
    expect(await stockOf(db(), id)).toBe(10);
  });

  it('when a reservation was committed, then the sweeper never expires it and the stock stays sold', async () => {
    const id = await insertProduct(db(), { stock: 10, categoryId });
    const reservation = await reserveOne(id, 3);
    expect((await commitOverHttp(service.app, token(), reservation.reservation_id)).statusCode).toBe(200);
    advance(TTL_SECONDS * 1000 * 60);
    await service.sweeper.runOnce();
    expect(await statusOf(reservation.reservation_id)).toBe('committed');
    expect(await stockOf(db(), id)).toBe(7);
  });

  it('when a reservation expired, then committing it is a 409 and its stock is not taken again', async () => {
    const id = await insertProduct(db(), { stock: 10, categoryId });
    const reservation = await reserveOne(id, 5);
    advance(TTL_SECONDS * 1000 + 1);
    await service.sweeper.runOnce();
    const commit = await commitOverHttp(service.app, token(), reservation.reservation_id);
    expect(commit.statusCode).toBe(409);
    expect(commit.json().detail).toMatch(/expired/);
    expect(await statusOf(reservation.reservation_id)).toBe('expired');
    expect(await stockOf(db(), id)).toBe(10);
  });

  it('when a reservation expired, then releasing it changes nothing and its stock is not returned twice', async () => {
    const id = await insertProduct(db(), { stock: 10, categoryId });
    const reservation = await reserveOne(id, 5);
    advance(TTL_SECONDS * 1000 + 1);
    await service.sweeper.runOnce();
    expect(await stockOf(db(), id)).toBe(10);
    const release = await releaseOverHttp(service.app, token(), reservation.reservation_id);
    expect(release.statusCode).toBe(200);
    expect(release.json().status).toBe('expired');
    expect(await stockOf(db(), id)).toBe(10);
  });

  it('when a reservation was released before its time, then the sweeper does not return its stock again', async () => {
    const id = await insertProduct(db(), { stock: 10, categoryId });
    const reservation = await reserveOne(id, 5);
    expect((await releaseOverHttp(service.app, token(), reservation.reservation_id)).statusCode).toBe(200);
    expect(await stockOf(db(), id)).toBe(10);
    advance(TTL_SECONDS * 1000 + 1);
    await service.sweeper.runOnce();
    expect(await statusOf(reservation.reservation_id)).toBe('released');
    expect(await stockOf(db(), id)).toBe(10);
  });

  it('when the sweeper runs twice, or twice at once, then an expired reservation’s stock returns once', async () => {
    const id = await insertProduct(db(), { stock: 10, categoryId });
    const first = await reserveOne(id, 2);
    const second = await reserveOne(id, 3);
    expect(await stockOf(db(), id)).toBe(5);
    advance(TTL_SECONDS * 1000 + 1);
    await Promise.all([service.sweeper.runOnce(), service.sweeper.runOnce()]);
    await service.sweeper.runOnce();
    expect(await statusOf(first.reservation_id)).toBe('expired');
    expect(await statusOf(second.reservation_id)).toBe('expired');
    expect(await stockOf(db(), id)).toBe(10);
  });

  it('when an expired reservation’s order_ref reserves again, then the expired reservation comes back and no stock is taken', async () => {
    const id = await insertProduct(db(), { stock: 10, categoryId });
    const orderRef = `expiry-order-${++refs}`;
    const first = await reserveOverHttp(service.app, token(), orderRef, [{ product_id: id, quantity: 2 }]);
    expect(first.statusCode).toBe(201);
    advance(TTL_SECONDS * 1000 + 1);
    await service.sweeper.runOnce();
    const again = await reserveOverHttp(service.app, token(), orderRef, [{ product_id: id, quantity: 2 }]);
    expect(again.statusCode).toBe(200);
    expect(again.json().reservation_id).toBe(first.json().reservation_id);
    expect(again.json().status).toBe('expired');
    expect(await stockOf(db(), id)).toBe(10);
  });

  it('when more reservations are due than one batch holds, then one sweep expires them all and returns all their stock', async () => {
    const id = await insertProduct(db(), { stock: 1_000, categoryId });
    const other = await insertProduct(db(), { stock: 1_000, categoryId });
    // Made in SQL rather than 450 store transactions (seconds on PGlite): the point here is the
    // sweeper's batching. They are due at different times, some of them only just.
    const dueAt = clock.now();
    for (let second = 0; second < 3; second++) {
      await insertHeldReservations(db(), {
        prefix: `bulk-expiry-${second}-`,
        count: 150,
        productId: id,
        expiresAt: new Date(dueAt.getTime() - second * 1000),
      });
    }
    // And one made the ordinary way, due with the rest, holding two products:
    // with it, 451 = 200 + 200 + 51, three batches.
    const store = new PgInventoryStore(db());
    const viaStore = await store.reserve(
      {
        orderRef: 'bulk-expiry-store',
        items: [
          { productId: other, quantity: 5 },
          { productId: id, quantity: 1 },
        ],
      },
      dueAt,
    );
    expect(viaStore.kind).toBe('reserved');
    const count = 451;
    expect(await stockOf(db(), id)).toBe(1_000 - count);
    expect(await stockOf(db(), other)).toBe(995);

    await service.sweeper.runOnce();

    const counts = await db()
      .select({ status: reservations.status, n: sql<number>`count(*)::int` })
      .from(reservations)
      .where(like(reservations.orderRef, 'bulk-expiry-%'))
      .groupBy(reservations.status);
    expect(counts).toEqual([{ status: 'expired', n: count }]);
    expect(await stockOf(db(), id)).toBe(1_000);
    expect(await stockOf(db(), other)).toBe(1_000);
    const stillHeld = await db()
      .select({ id: reservations.id })
      .from(reservations)
      .where(and(eq(reservations.status, 'held'), sql`${reservations.expiresAt} <= ${clock.now().toISOString()}`));
    expect(stillHeld).toEqual([]);
  });
});
