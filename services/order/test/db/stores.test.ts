import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { EVENT_SCHEMAS, type EventType } from '@shop/contracts';
import { databaseTargets, schemaErrors, testServers } from '@shop/platform/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER } from '../../src/app.ts';
import { PgIdempotencyStore } from '../../src/db/idempotency-store.ts';
import { PgOrderStore } from '../../src/db/order-store.ts';
import type { OrderLine } from '../../src/domain/order.ts';
import type { IdempotencyStore, OrderSort, OrderStore } from '../../src/domain/ports.ts';
import { FakeIdempotencyStore, FakeOrderStore, FakeOrderTables } from '../fakes/order-stores.ts';

interface StoreHarness {
  orders: OrderStore;
  keys: IdempotencyStore;
  /** The outbox rows, oldest first. */
  outbox(): Promise<Array<{ type: string; data: Record<string, unknown> }>>;
  close(): Promise<void>;
}

/**
 * One contract for the stores, run against both PostgreSQL adapters (PGlite and
 * PostgreSQL) and against the in-memory fakes the saga tests use, so the fakes cannot
 * drift from the real semantics.
 */
const harnesses: Array<{ name: string; open: () => Promise<StoreHarness> }> = [
  ...databaseTargets().map((target) => ({
    name: target.name,
    open: async (): Promise<StoreHarness> => {
      const { database, cleanup } = await target.open({ service: 'order', migrationsFolder: MIGRATIONS_FOLDER });
      return {
        orders: new PgOrderStore(database.db),
        keys: new PgIdempotencyStore(database.db),
        outbox: async () => {
          const result = await database.db.execute(
            sql`select type, event->'data' as data from "order".outbox order by id`,
          );
          return (result as unknown as { rows: Array<{ type: string; data: Record<string, unknown> }> }).rows;
        },
        close: cleanup,
      };
    },
  })),
  {
    name: 'in-memory fakes',
    open: async () => {
      const tables = new FakeOrderTables();
      return {
        orders: new FakeOrderStore(tables),
        keys: new FakeIdempotencyStore(tables),
        outbox: async () => tables.outbox,
        close: async () => {},
      };
    },
  },
];

const LEASE = 30_000;
const line = (productId: number, unitPriceCents: number, quantity = 1): OrderLine => ({
  productId,
  name: `Product ${productId}`,
  unitPriceCents,
  quantity,
});

describe.each(harnesses)('order stores on $name', ({ open }) => {
  let stores: StoreHarness;
  let nextUser = 1;

  beforeAll(async () => {
    stores = await open();
  });
  afterAll(() => stores.close());

  /** Claims a key and inserts an order under it. */
  async function place(userId: number, lines: OrderLine[], key: string = randomUUID()) {
    const claim = await stores.keys.claim(userId, key, `hash-${key}`, LEASE);
    if (claim.kind !== 'claimed') throw new Error(`claim: ${claim.kind}`);
    const order = await stores.orders.insert({
      userId,
      email: `user${userId}@example.com`,
      lines,
      totalCents: lines.reduce((sum, l) => sum + l.unitPriceCents * l.quantity, 0),
      currency: 'EUR',
      reservationId: randomUUID(),
      fromCart: false,
      idempotency: { key, attemptId: claim.attemptId },
    });
    if (!order) throw new Error('insert returned null');
    return order;
  }

  describe('IdempotencyStore', () => {
    it('when a key is new, then it is claimed with a fresh attempt id', async () => {
      const claim = await stores.keys.claim(nextUser++, 'k', 'h1', LEASE);
      expect(claim).toEqual({ kind: 'claimed', attemptId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    });

    it('when a key is held by a live attempt, then a second claim is busy and reports the first body hash', async () => {
      const user = nextUser++;
      await stores.keys.claim(user, 'k', 'h1', LEASE);
      expect(await stores.keys.claim(user, 'k', 'h1', LEASE)).toEqual({ kind: 'busy', requestHash: 'h1' });
      expect(await stores.keys.claim(user, 'k', 'h2', LEASE)).toEqual({ kind: 'busy', requestHash: 'h1' });
    });

    it('when another user claims the same key, then it is theirs', async () => {
      await stores.keys.claim(nextUser++, 'same', 'h1', LEASE);
      expect((await stores.keys.claim(nextUser++, 'same', 'h1', LEASE)).kind).toBe('claimed');
    });

    it('when the holding attempt frees the key, then it can be claimed again; another attempt id frees nothing', async () => {
      const user = nextUser++;
      const first = await stores.keys.claim(user, 'k', 'h1', LEASE);
      if (first.kind !== 'claimed') throw new Error('not claimed');
      await stores.keys.free(user, 'k', randomUUID());
      expect((await stores.keys.claim(user, 'k', 'h1', LEASE)).kind).toBe('busy');
      await stores.keys.free(user, 'k', first.attemptId);
      expect((await stores.keys.claim(user, 'k', 'h2', LEASE)).kind).toBe('claimed');
    });

    it('when the lease has passed, then a claim with the same body takes over with a new attempt, and the old attempt can no longer insert', async () => {
      const user = nextUser++;
      const first = await stores.keys.claim(user, 'k', 'h1', 1);
      if (first.kind !== 'claimed') throw new Error('not claimed');
      await sleep(30);
      expect(await stores.keys.claim(user, 'k', 'h2', LEASE)).toEqual({ kind: 'busy', requestHash: 'h1' });
      const second = await stores.keys.claim(user, 'k', 'h1', LEASE);
      expect(second.kind).toBe('claimed');
      if (second.kind !== 'claimed') return;
      expect(second.attemptId).not.toBe(first.attemptId);

      const stale = await stores.orders.insert({
        userId: user,
        email: 'late@example.com',
        lines: [line(1, 100)],
        totalCents: 100,
        currency: 'EUR',
        reservationId: randomUUID(),
        fromCart: false,
        idempotency: { key: 'k', attemptId: first.attemptId },
      });
      expect(stale).toBeNull();
      expect((await stores.orders.list({ userId: user, sort: '-date', limit: 10 })).items).toEqual([]);
      await stores.keys.free(user, 'k', first.attemptId);
      expect((await stores.keys.claim(user, 'k', 'h1', LEASE)).kind).toBe('busy');
    });

    it('when the key has an order, then a claim reports it done with the order id, even past the lease, and free keeps it', async () => {
      const user = nextUser++;
      const order = await place(user, [line(1, 100)], 'done-key');
      const done = { kind: 'done', requestHash: 'hash-done-key', orderId: order.id };
      expect(await stores.keys.claim(user, 'done-key', 'hash-done-key', LEASE)).toEqual(done);
      expect(await stores.keys.claim(user, 'done-key', 'other', LEASE)).toEqual(done);
      await sleep(5);
      expect(await stores.keys.claim(user, 'done-key', 'hash-done-key', 1)).toEqual(done);
    });
  });

  describe('OrderStore', () => {
    it('when inserted under the key’s attempt, then the order, its lines and order.placed (naming its reservation) are saved, and no reservation call is owed', async () => {
      const user = nextUser++;
      const order = await place(user, [line(5, 250, 2), line(3, 100, 1)]);

      expect(order).toMatchObject({ userId: user, status: 'confirmed', totalCents: 600, currency: 'EUR' });
      expect(order.lines).toEqual([line(3, 100, 1), line(5, 250, 2)]);
      expect(await stores.orders.find(order.id)).toEqual(order);
      const placed = (await stores.outbox()).filter((row) => row.data.order_id === order.id);
      expect(placed).toEqual([
        {
          type: 'order.placed',
          data: {
            order_id: order.id,
            user_id: user,
            email: `user${user}@example.com`,
            items: expect.arrayContaining([
              { product_id: 5, name: 'Product 5', unit_price_cents: 250, quantity: 2, line_total_cents: 500 },
              { product_id: 3, name: 'Product 3', unit_price_cents: 100, quantity: 1, line_total_cents: 100 },
            ]),
            total_cents: 600,
            currency: 'EUR',
            from_cart: false,
            reservation_id: order.reservationId,
          },
        },
      ]);
      // The product service commits the reservation when order.placed reaches it.
      expect((await stores.orders.pendingReservations(1000)).filter((p) => p.id === order.id)).toEqual([]);
    });

    it('when no order has the id, then find gives null', async () => {
      expect(await stores.orders.find(2_000_000)).toBeNull();
    });

    it('when the status is still `from`, then setStatus moves it and writes the event; otherwise null and no event', async () => {
      const order = await place(nextUser++, [line(1, 100)]);
      const event = { type: 'order.status_changed' as const, data: { order_id: order.id, status: 'shipped' as const } };
      const moved = await stores.orders.setStatus(order.id, 'confirmed', 'shipped', event);
      expect(moved?.status).toBe('shipped');
      expect(moved?.updatedAt.getTime()).toBeGreaterThanOrEqual(order.updatedAt.getTime());
      expect(await stores.orders.setStatus(order.id, 'confirmed', 'shipped', event)).toBeNull();
      const events = (await stores.outbox()).filter((row) => row.data.order_id === order.id);
      expect(events.map((row) => row.type)).toEqual(['order.placed', 'order.status_changed']);
    });

    it('when orders are placed, cancelled and moved, then every outbox row’s data passes its contract schema', async () => {
      const cancelled = await place(nextUser++, [line(2, 300, 3)]);
      await stores.orders.setStatus(cancelled.id, 'confirmed', 'cancelled', {
        type: 'order.cancelled',
        data: { order_id: cancelled.id, user_id: cancelled.userId, email: cancelled.email, reason: 'test' },
      });
      const moved = await place(nextUser++, [line(4, 0)]);
      await stores.orders.setStatus(moved.id, 'confirmed', 'shipped', {
        type: 'order.status_changed',
        data: { order_id: moved.id, status: 'shipped' },
      });
      const rows = (await stores.outbox()).filter((row) =>
        [cancelled.id, moved.id].includes(row.data.order_id as number),
      );
      expect(rows.map((row) => row.type)).toEqual([
        'order.placed',
        'order.cancelled',
        'order.placed',
        'order.status_changed',
      ]);
      for (const row of rows) {
        expect(schemaErrors(EVENT_SCHEMAS[row.type as EventType], row.data), row.type).toEqual([]);
      }
    });

    it('when an order is cancelled, then a release is pending until it is settled; settling another action changes nothing', async () => {
      const order = await place(nextUser++, [line(1, 100)]);
      const pending = async () => (await stores.orders.pendingReservations(1000)).filter((p) => p.id === order.id);
      expect(await pending()).toEqual([]);

      await stores.orders.setStatus(order.id, 'confirmed', 'cancelled', {
        type: 'order.cancelled',
        data: { order_id: order.id, user_id: order.userId, email: order.email, reason: 'test' },
      });
      expect(await pending()).toEqual([{ id: order.id, reservationId: order.reservationId, action: 'release' }]);
      await stores.orders.reservationSettled(order.id, 'commit'); // not the owed action: no effect
      expect(await pending()).toHaveLength(1);
      await stores.orders.reservationSettled(order.id, 'release');
      expect(await pending()).toEqual([]);
    });

    describe('orderOfReservation', () => {
      const newOrder = (user: number, key: string, attemptId: string, reservationId = randomUUID()) => ({
        userId: user,
        email: 'late@example.com',
        lines: [line(1, 100)],
        totalCents: 100,
        currency: 'EUR',
        reservationId,
        fromCart: false,
        idempotency: { key, attemptId },
      });

      it('when an order holds the reservation, then its status comes back, whatever ref is asked with, and nothing changes', async () => {
        const user = nextUser++;
        const order = await place(user, [line(1, 100)], 'holds');
        expect(await stores.orders.orderOfReservation(order.reservationId, randomUUID())).toBe('confirmed');
        await stores.orders.setStatus(order.id, 'confirmed', 'cancelled', {
          type: 'order.cancelled',
          data: { order_id: order.id, user_id: user, email: order.email, reason: 'test' },
        });
        expect(await stores.orders.orderOfReservation(order.reservationId, 'not-a-uuid')).toBe('cancelled');
        expect(await stores.keys.claim(user, 'holds', 'hash-holds', LEASE)).toEqual({
          kind: 'done',
          requestHash: 'hash-holds',
          orderId: order.id,
        });
      });

      it('when the attempt holds its key without an order, then null, and the attempt loses the key: its late insert is refused and the key can be claimed afresh', async () => {
        const user = nextUser++;
        const claim = await stores.keys.claim(user, 'slow', 'h1', LEASE);
        if (claim.kind !== 'claimed') throw new Error('not claimed');
        const reservationId = randomUUID();

        expect(await stores.orders.orderOfReservation(reservationId, claim.attemptId)).toBeNull();
        expect(await stores.orders.insert(newOrder(user, 'slow', claim.attemptId, reservationId))).toBeNull();
        expect(await stores.orders.orderOfReservation(reservationId, claim.attemptId)).toBeNull();
        expect((await stores.orders.list({ userId: user, sort: '-date', limit: 10 })).items).toEqual([]);
        const again = await stores.keys.claim(user, 'slow', 'h1', LEASE);
        expect(again.kind).toBe('claimed');
        if (again.kind !== 'claimed') return;
        expect(await stores.orders.insert(newOrder(user, 'slow', again.attemptId))).not.toBeNull();
      });

      it('when no attempt has the ref, then null and no other key changes', async () => {
        const user = nextUser++;
        const claim = await stores.keys.claim(user, 'bystander', 'h1', LEASE);
        if (claim.kind !== 'claimed') throw new Error('not claimed');
        expect(await stores.orders.orderOfReservation(randomUUID(), randomUUID())).toBeNull();
        expect(await stores.orders.orderOfReservation(randomUUID(), 'order-ref-of-another-kind')).toBeNull();
        expect(await stores.orders.insert(newOrder(user, 'bystander', claim.attemptId))).not.toBeNull();
      });
    });

    describe('list', () => {
      let user: number;
      let other: number;
      const totals = [500, 100, 300, 300, 900, 200, 700];

      beforeAll(async () => {
        user = nextUser++;
        other = nextUser++;
        for (const total of totals) {
          await place(user, [line(1, total)]);
          await sleep(2); // distinct created_at
        }
        await place(other, [line(1, 400)]);
      });

      async function walk(sort: OrderSort, limit: number) {
        const seen: number[] = [];
        let after: { value: string; id: number } | undefined;
        for (let page = 0; page < 20; page++) {
          const result = await stores.orders.list({ userId: user, sort, limit, after });
          expect(result.items.length).toBeLessThanOrEqual(limit);
          seen.push(...result.items.map((order) => order.totalCents));
          if (!result.next) return seen;
          after = result.next;
        }
        throw new Error('the walk did not end');
      }

      it.each([
        ['date', [500, 100, 300, 300, 900, 200, 700]],
        ['-date', [700, 200, 900, 300, 300, 100, 500]],
        ['total', [100, 200, 300, 300, 500, 700, 900]],
        ['-total', [900, 700, 500, 300, 300, 200, 100]],
      ] as const)(
        'when walked by %s two at a time, then every order of the user comes once, in order',
        async (sort, expected) => {
          expect(await walk(sort, 2)).toEqual(expected);
          expect(await walk(sort, 100)).toEqual(expected);
        },
      );

      it('when filtered by total range and status, then only those match', async () => {
        const result = await stores.orders.list({
          userId: user,
          sort: 'total',
          minTotalCents: 200,
          maxTotalCents: 500,
          status: 'confirmed',
          limit: 10,
        });
        expect(result.items.map((order) => order.totalCents)).toEqual([200, 300, 300, 500]);
        const shipped = await stores.orders.list({ userId: user, sort: 'total', status: 'shipped', limit: 10 });
        expect(shipped.items).toEqual([]);
      });

      it('when no user is given, then every user’s orders are listed', async () => {
        const all = await stores.orders.list({ sort: '-date', limit: 100 });
        const users = new Set(all.items.map((order) => order.userId));
        expect(users.has(user) && users.has(other)).toBe(true);
      });
    });
  });
});

describe('the fakes’ own clock', () => {
  it('when the world clock is advanced, then a key’s lease passes without waiting', async () => {
    const tables = new FakeOrderTables();
    const keys = new FakeIdempotencyStore(tables);
    await keys.claim(1, 'k', 'h', LEASE);
    expect((await keys.claim(1, 'k', 'h', LEASE)).kind).toBe('busy');
    tables.clock.advance(LEASE + 1);
    expect((await keys.claim(1, 'k', 'h', LEASE)).kind).toBe('claimed');
  });
});

/** Real concurrency needs real connections: PGlite is one connection and serializes everything. */
describe.runIf(testServers().postgresUrl !== null)('orderOfReservation racing the insert on PostgreSQL', () => {
  it('when the question and the attempt’s insert run at once, then either the order exists and its status comes back, or null comes back and the insert is refused; never an order after null', async () => {
    const postgres = databaseTargets().find((target) => target.name === 'postgres');
    if (!postgres) throw new Error('PostgreSQL is reachable but not a database target');
    const { database, cleanup } = await postgres.open({ service: 'order', migrationsFolder: MIGRATIONS_FOLDER });
    try {
      const orders = new PgOrderStore(database.db);
      const keys = new PgIdempotencyStore(database.db);
      const seen = { placed: 0, fenced: 0 };
      for (let round = 0; round < 60; round++) {
        const user = 10_000 + round;
        const claim = await keys.claim(user, 'race', 'h', LEASE);
        if (claim.kind !== 'claimed') throw new Error('not claimed');
        const reservationId = randomUUID();
        const [inserted, answer] = await Promise.all([
          // Each side starts a little later in some rounds, so both orders of arrival occur.
          sleep(round % 4).then(() =>
            orders.insert({
              userId: user,
              email: 'race@example.com',
              lines: [line(1, 100)],
              totalCents: 100,
              currency: 'EUR',
              reservationId,
              fromCart: false,
              idempotency: { key: 'race', attemptId: claim.attemptId },
            }),
          ),
          sleep((round + 2) % 4).then(() => orders.orderOfReservation(reservationId, claim.attemptId)),
        ]);
        if (answer === null) {
          expect(inserted).toBeNull();
          seen.fenced += 1;
        } else {
          expect(answer).toBe('confirmed');
          expect(inserted?.reservationId).toBe(reservationId);
          seen.placed += 1;
        }
        // The answer stays what it was.
        expect(await orders.orderOfReservation(reservationId, claim.attemptId)).toBe(answer);
      }
      expect(seen.placed + seen.fenced).toBe(60);
    } finally {
      await cleanup();
    }
  });
});
