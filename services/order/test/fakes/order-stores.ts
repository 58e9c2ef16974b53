import { randomUUID } from 'node:crypto';
import type { Order, OrderStatus } from '../../src/domain/order.ts';
import type {
  IdempotencyStore,
  KeyClaim,
  NewOrder,
  OrderEvent,
  OrderQuery,
  OrderSort,
  OrderStore,
} from '../../src/domain/ports.ts';
import { orderMoveEvent, orderPlacedEvent } from '../../src/events/order-events.ts';

/** The machine's clock, which a test can move forward (to let a key's lease pass). */
export class ManualClock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

interface KeyRow {
  requestHash: string;
  attemptId: string;
  lockedUntil: number;
  orderId: number | null;
}

interface OrderRow extends Order {
  reservationAction: 'commit' | 'release' | null;
  fromCart: boolean;
}

/**
 * The order service's tables in memory, shared by the two fake stores the way the
 * PostgreSQL ones share the `order` schema: orders, idempotency keys and the outbox.
 */
export class FakeOrderTables {
  readonly orders = new Map<number, OrderRow>();
  readonly keys = new Map<string, KeyRow>();
  readonly outbox: Array<{ type: string; data: Record<string, unknown> }> = [];
  nextId = 1;

  constructor(readonly clock: ManualClock = new ManualClock()) {}

  key(userId: number, key: string): KeyRow | undefined {
    return this.keys.get(keyOf(userId, key));
  }
}

const keyOf = (userId: number, key: string) => `${userId}\u0000${key}`;

/** Same semantics as PgIdempotencyStore; each call is atomic, as its transaction is. */
export class FakeIdempotencyStore implements IdempotencyStore {
  readonly calls = { claim: 0, free: 0 };

  constructor(private readonly tables: FakeOrderTables) {}

  async claim(userId: number, key: string, requestHash: string, leaseMs: number): Promise<KeyClaim> {
    this.calls.claim += 1;
    const now = this.tables.clock.now();
    const attemptId = randomUUID();
    const row = this.tables.key(userId, key);
    if (!row) {
      this.tables.keys.set(keyOf(userId, key), { requestHash, attemptId, lockedUntil: now + leaseMs, orderId: null });
      return { kind: 'claimed', attemptId };
    }
    if (row.orderId !== null) return { kind: 'done', requestHash: row.requestHash, orderId: row.orderId };
    if (row.lockedUntil >= now || row.requestHash !== requestHash) {
      return { kind: 'busy', requestHash: row.requestHash };
    }
    row.attemptId = attemptId;
    row.lockedUntil = now + leaseMs;
    return { kind: 'claimed', attemptId };
  }

  async free(userId: number, key: string, attemptId: string): Promise<void> {
    this.calls.free += 1;
    const row = this.tables.key(userId, key);
    if (row && row.attemptId === attemptId && row.orderId === null) this.tables.keys.delete(keyOf(userId, key));
  }
}

/** Same semantics as PgOrderStore; `failInsert` makes the next inserts throw and write nothing. */
export class FakeOrderStore implements OrderStore {
  private insertFailures: { error: () => Error; times: number } | undefined;

  constructor(private readonly tables: FakeOrderTables) {}

  failInsert(error: () => Error = () => new Error('connection terminated unexpectedly'), times = 1): void {
    this.insertFailures = { error, times };
  }

  async insert(input: NewOrder): Promise<Order | null> {
    if (this.insertFailures && this.insertFailures.times > 0) {
      this.insertFailures.times -= 1;
      throw this.insertFailures.error();
    }
    const key = this.tables.key(input.userId, input.idempotency.key);
    if (!key || key.attemptId !== input.idempotency.attemptId || key.orderId !== null) return null;
    const now = new Date(this.tables.clock.now());
    const row: OrderRow = {
      id: this.tables.nextId++,
      userId: input.userId,
      email: input.email,
      status: 'confirmed',
      lines: input.lines.map((line) => ({ ...line })),
      totalCents: input.totalCents,
      currency: input.currency,
      reservationId: input.reservationId,
      reservationAction: null,
      fromCart: input.fromCart,
      createdAt: now,
      updatedAt: now,
    };
    this.tables.orders.set(row.id, row);
    key.orderId = row.id;
    key.lockedUntil = this.tables.clock.now() + 60_000;
    this.tables.outbox.push({ type: 'order.placed', data: orderPlacedEvent(row) });
    return this.find(row.id);
  }

  async find(id: number): Promise<Order | null> {
    const row = this.tables.orders.get(id);
    return row ? toOrder(row) : null;
  }

  async list(query: OrderQuery): Promise<{ items: Order[]; next: { value: string; id: number } | null }> {
    const { value, descending } = sortKey(query.sort);
    const compare = (a: OrderRow, b: OrderRow) => {
      const byKey = value(a) - value(b) || a.id - b.id;
      return descending ? -byKey : byKey;
    };
    const after = query.after;
    const afterValue = after ? decodeValue(query.sort, after.value) : 0;
    const rows = [...this.tables.orders.values()]
      .filter((row) => query.userId === undefined || row.userId === query.userId)
      .filter((row) => !query.status || row.status === query.status)
      .filter((row) => query.minTotalCents === undefined || row.totalCents >= query.minTotalCents)
      .filter((row) => query.maxTotalCents === undefined || row.totalCents <= query.maxTotalCents)
      .filter((row) => {
        if (!after) return true;
        const byKey = value(row) - afterValue || row.id - after.id;
        return descending ? byKey < 0 : byKey > 0;
      })
      .sort(compare);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map(toOrder),
      next: rows.length > query.limit && last ? { value: encodeValue(query.sort, last), id: last.id } : null,
    };
  }

  async setStatus(id: number, from: OrderStatus, to: OrderStatus, event: OrderEvent): Promise<Order | null> {
    const row = this.tables.orders.get(id);
    if (!row || row.status !== from) return null;
    row.status = to;
    row.updatedAt = new Date(this.tables.clock.now());
    if (to === 'cancelled') row.reservationAction = 'release';
    this.tables.outbox.push(orderMoveEvent(event));
    return toOrder(row);
  }

  async pendingReservations(limit: number) {
    return [...this.tables.orders.values()]
      .filter((row) => row.reservationAction !== null)
      .sort((a, b) => a.id - b.id)
      .slice(0, limit)
      .map((row) => ({ id: row.id, reservationId: row.reservationId, action: row.reservationAction ?? 'commit' }));
  }

  async reservationSettled(id: number, action: 'commit' | 'release'): Promise<void> {
    const row = this.tables.orders.get(id);
    if (row && row.reservationAction === action) row.reservationAction = null;
  }

  async orderOfReservation(reservationId: string, orderRef: string): Promise<OrderStatus | null> {
    const order = [...this.tables.orders.values()].find((row) => row.reservationId === reservationId);
    if (order) return order.status;
    for (const [id, key] of this.tables.keys) {
      if (key.attemptId === orderRef && key.orderId === null) this.tables.keys.delete(id);
    }
    return null;
  }
}

function toOrder(row: OrderRow): Order {
  return {
    id: row.id,
    userId: row.userId,
    email: row.email,
    status: row.status,
    lines: row.lines.map((line) => ({ ...line })).sort((a, b) => a.productId - b.productId),
    totalCents: row.totalCents,
    currency: row.currency,
    reservationId: row.reservationId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function sortKey(sort: OrderSort): { value: (row: OrderRow) => number; descending: boolean } {
  const byDate = (row: OrderRow) => row.createdAt.getTime();
  const byTotal = (row: OrderRow) => row.totalCents;
  switch (sort) {
    case 'date':
      return { value: byDate, descending: false };
    case '-date':
      return { value: byDate, descending: true };
    case 'total':
      return { value: byTotal, descending: false };
    case '-total':
      return { value: byTotal, descending: true };
  }
}

/** Cursor values in the same text forms PostgreSQL gives (timestamptz, integer). */
function encodeValue(sort: OrderSort, row: OrderRow): string {
  return sort === 'date' || sort === '-date' ? row.createdAt.toISOString() : String(row.totalCents);
}

function decodeValue(sort: OrderSort, value: string): number {
  return sort === 'date' || sort === '-date' ? Date.parse(value) : Number(value);
}
