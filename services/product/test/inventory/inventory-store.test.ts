import { databaseTargets } from '@shop/platform/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgCategoryStore } from '../../src/db/category-store.ts';
import { PgInventoryStore } from '../../src/db/inventory-store.ts';
import { PgProductStore } from '../../src/db/product-store.ts';
import { reservationLines, reservations } from '../../src/db/schema.ts';
import { buildTestProduct, type TestProduct } from '../helpers.ts';
import { insertProduct, stockOf, stocksOf } from './support.ts';

const LATER = new Date('2099-01-01T00:00:00Z');

describe.each(databaseTargets())('PgInventoryStore on $name', (target) => {
  let service: TestProduct;
  let store: PgInventoryStore;
  let catalog: PgProductStore;
  let categoryId: number;
  let refs = 0;
  const nextRef = () => `store-order-${++refs}`;

  beforeAll(async () => {
    service = await buildTestProduct(target);
    store = new PgInventoryStore(service.database.db);
    catalog = new PgProductStore(service.database.db);
    const category = await new PgCategoryStore(service.database.db).create('Store tests', 'store-tests');
    if (!category) throw new Error('category not created');
    categoryId = category.id;
  });
  afterAll(() => service.close());

  const product = (stock: number, extra: { name?: string; priceCents?: number; archived?: boolean } = {}) =>
    insertProduct(service.database.db, { stock, categoryId, ...extra });

  it('when every line has enough stock, then each is taken and the reservation is held with its lines', async () => {
    const a = await product(10, { name: 'Anchovies', priceCents: 350 });
    const b = await product(4, { name: 'Bread', priceCents: 120 });
    const result = await store.reserve(
      {
        orderRef: nextRef(),
        items: [
          { productId: b, quantity: 4 },
          { productId: a, quantity: 3 },
        ],
      },
      LATER,
    );
    expect(result.kind).toBe('reserved');
    if (result.kind !== 'reserved') return;
    expect(result.created).toBe(true);
    expect(result.reservation.status).toBe('held');
    expect(result.reservation.expiresAt.toISOString()).toBe(LATER.toISOString());
    expect(result.reservation.lines).toEqual([
      { productId: a, quantity: 3, name: 'Anchovies', unitPriceCents: 350 },
      { productId: b, quantity: 4, name: 'Bread', unitPriceCents: 120 },
    ]);
    expect(Object.fromEntries(await stocksOf(service.database.db, [a, b]))).toEqual({ [a]: 7, [b]: 0 });
    const stored = await store.find(result.reservation.id);
    expect(stored?.lines).toEqual(result.reservation.lines);
  });

  it('when one line is short, then nothing is taken from any line and that line is reported with requested and available', async () => {
    // The short product has the highest id, so the lines before it were already taken in the
    // transaction: the refusal must roll them back.
    const a = await product(10);
    const b = await product(10);
    const short = await product(2);
    const result = await store.reserve(
      {
        orderRef: nextRef(),
        items: [
          { productId: short, quantity: 3 },
          { productId: a, quantity: 5 },
          { productId: b, quantity: 10 },
        ],
      },
      LATER,
    );
    expect(result).toEqual({ kind: 'short', shortages: [{ product_id: short, requested: 3, available: 2 }] });
    expect(Object.fromEntries(await stocksOf(service.database.db, [a, b, short]))).toEqual({
      [a]: 10,
      [b]: 10,
      [short]: 2,
    });
  });

  it('when several lines are short, then every short line is listed and the lines with enough stock are not', async () => {
    const first = await product(1);
    const fine = await product(50);
    const empty = await product(0);
    const last = await product(7);
    const result = await store.reserve(
      {
        orderRef: nextRef(),
        items: [
          { productId: last, quantity: 8 },
          { productId: fine, quantity: 50 },
          { productId: empty, quantity: 1 },
          { productId: first, quantity: 2 },
        ],
      },
      LATER,
    );
    expect(result.kind).toBe('short');
    if (result.kind !== 'short') return;
    expect([...result.shortages].sort((x, y) => x.product_id - y.product_id)).toEqual([
      { product_id: first, requested: 2, available: 1 },
      { product_id: empty, requested: 1, available: 0 },
      { product_id: last, requested: 8, available: 7 },
    ]);
    expect(Object.fromEntries(await stocksOf(service.database.db, [first, fine, empty, last]))).toEqual({
      [first]: 1,
      [fine]: 50,
      [empty]: 0,
      [last]: 7,
    });
  });

  it('when a request is refused, then no reservation row is left behind and its order_ref can reserve later', async () => {
    const scarce = await product(1);
    const orderRef = nextRef();
    const result = await store.reserve({ orderRef, items: [{ productId: scarce, quantity: 2 }] }, LATER);
    expect(result.kind).toBe('short');
    const rows = await service.database.db.select().from(reservations).where(eq(reservations.orderRef, orderRef));
    expect(rows).toEqual([]);
    // The same order_ref can then reserve once stock is there.
    await catalog.adjustStock(scarce, 5);
    const retried = await store.reserve({ orderRef, items: [{ productId: scarce, quantity: 2 }] }, LATER);
    expect(retried.kind === 'reserved' && retried.created).toBe(true);
    expect(await stockOf(service.database.db, scarce)).toBe(4);
  });

  it('when a line names an unknown or an archived product, then both are reported and no stock is taken', async () => {
    const fine = await product(10);
    const archived = await product(10, { archived: true });
    const unknown = 2_000_000_000;
    const result = await store.reserve(
      {
        orderRef: nextRef(),
        items: [
          { productId: unknown, quantity: 1 },
          { productId: fine, quantity: 2 },
          { productId: archived, quantity: 1 },
        ],
      },
      LATER,
    );
    expect(result.kind).toBe('unknown_products');
    if (result.kind !== 'unknown_products') return;
    expect([...result.productIds].sort((x, y) => x - y)).toEqual([archived, unknown].sort((x, y) => x - y));
    expect(await stockOf(service.database.db, fine)).toBe(10);
    expect(await stockOf(service.database.db, archived)).toBe(10);
  });

  it('when a product is archived through the catalog after creation, then it can no longer be reserved', async () => {
    const id = await product(10);
    expect(await catalog.archive(id)).toBe(true);
    const result = await store.reserve({ orderRef: nextRef(), items: [{ productId: id, quantity: 1 }] }, LATER);
    expect(result).toEqual({ kind: 'unknown_products', productIds: [id] });
  });

  it('when a request asks for exactly the stock there is, then it is reserved and the stock reaches zero', async () => {
    const id = await product(6);
    const result = await store.reserve({ orderRef: nextRef(), items: [{ productId: id, quantity: 6 }] }, LATER);
    expect(result.kind).toBe('reserved');
    expect(await stockOf(service.database.db, id)).toBe(0);
  });

  it('when the price and name change before reserving, then the lines carry the current price and name', async () => {
    const id = await product(10, { name: 'Old name', priceCents: 100 });
    await catalog.update(id, { priceCents: 275, name: 'New name' });
    const result = await store.reserve({ orderRef: nextRef(), items: [{ productId: id, quantity: 2 }] }, LATER);
    expect(result.kind === 'reserved' && result.reservation.lines).toEqual([
      { productId: id, quantity: 2, name: 'New name', unitPriceCents: 275 },
    ]);
  });

  it('when the price and name change after reserving, then the reservation keeps the price and name it was made at', async () => {
    const id = await product(10, { name: 'Cheese', priceCents: 900 });
    const result = await store.reserve({ orderRef: nextRef(), items: [{ productId: id, quantity: 1 }] }, LATER);
    if (result.kind !== 'reserved') throw new Error(`not reserved: ${result.kind}`);
    await catalog.update(id, { priceCents: 1900, name: 'Aged cheese' });
    const found = await store.find(result.reservation.id);
    expect(found?.lines).toEqual([{ productId: id, quantity: 1, name: 'Cheese', unitPriceCents: 900 }]);
    const [line] = await service.database.db
      .select()
      .from(reservationLines)
      .where(eq(reservationLines.reservationId, result.reservation.id));
    expect(line?.unitPriceCents).toBe(900);
  });

  it('when the same order_ref reserves again, then the first reservation comes back and stock is taken once', async () => {
    const id = await product(10);
    const orderRef = nextRef();
    const first = await store.reserve({ orderRef, items: [{ productId: id, quantity: 3 }] }, LATER);
    const second = await store.reserve({ orderRef, items: [{ productId: id, quantity: 5 }] }, LATER);
    if (first.kind !== 'reserved' || second.kind !== 'reserved') throw new Error('not reserved');
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.reservation.id).toBe(first.reservation.id);
    expect(second.reservation.lines).toEqual(first.reservation.lines);
    expect(await stockOf(service.database.db, id)).toBe(7);
  });

  it('when a held reservation is released twice, then its stock comes back once', async () => {
    const id = await product(10);
    const result = await store.reserve({ orderRef: nextRef(), items: [{ productId: id, quantity: 4 }] }, LATER);
    if (result.kind !== 'reserved') throw new Error('not reserved');
    expect((await store.release(result.reservation.id))?.status).toBe('released');
    expect((await store.release(result.reservation.id))?.status).toBe('released');
    expect(await stockOf(service.database.db, id)).toBe(10);
  });

  it('when a committed reservation is released (a cancellation), then its stock comes back and a commit is then refused', async () => {
    const id = await product(10);
    const result = await store.reserve({ orderRef: nextRef(), items: [{ productId: id, quantity: 4 }] }, LATER);
    if (result.kind !== 'reserved') throw new Error('not reserved');
    expect((await store.commit(result.reservation.id))?.status).toBe('committed');
    expect(await stockOf(service.database.db, id)).toBe(6);
    expect((await store.release(result.reservation.id))?.status).toBe('released');
    expect(await stockOf(service.database.db, id)).toBe(10);
    expect((await store.commit(result.reservation.id))?.status).toBe('released');
  });

  it('when an unknown reservation id is found, committed or released, then null comes back', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    expect(await store.find(missing)).toBeNull();
    expect(await store.commit(missing)).toBeNull();
    expect(await store.release(missing)).toBeNull();
  });

  it('when dueHeld runs, then only held reservations due by its time come, with their order refs, in id order from after the given id', async () => {
    const id = await product(10);
    const at = new Date('2098-06-01T12:00:00Z');
    const reserve = async (quantity: number, expiresAt: Date) => {
      const result = await store.reserve({ orderRef: nextRef(), items: [{ productId: id, quantity }] }, expiresAt);
      if (result.kind !== 'reserved') throw new Error('not reserved');
      return result.reservation;
    };
    const due = await reserve(1, at);
    const longerDue = await reserve(1, new Date(at.getTime() - 1_000));
    const notYet = await reserve(2, new Date(at.getTime() + 1));
    const committed = await reserve(3, at);
    await store.commit(committed.id);

    // Other tests' reservations expire in 2099 (LATER), after `at`, so exactly these two are due here.
    const both = [
      { id: longerDue.id, orderRef: longerDue.orderRef },
      { id: due.id, orderRef: due.orderRef },
    ].sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(await store.dueHeld(at, 10)).toEqual(both);
    expect(await store.dueHeld(at, 1)).toEqual(both.slice(0, 1));
    expect(await store.dueHeld(at, 10, both[0]?.id)).toEqual(both.slice(1));
    expect(await store.dueHeld(at, 10, both[1]?.id)).toEqual([]);
    expect((await store.find(notYet.id))?.status).toBe('held');
  });

  it('when settle runs, then held ones are committed (stock stays sold) or expired (stock back), and ones no longer held are left alone, once', async () => {
    const id = await product(10);
    const reserve = async (quantity: number) => {
      const result = await store.reserve({ orderRef: nextRef(), items: [{ productId: id, quantity }] }, LATER);
      if (result.kind !== 'reserved') throw new Error('not reserved');
      return result.reservation.id;
    };
    const toCommit = await reserve(1);
    const toExpire = await reserve(2);
    const released = await reserve(3);
    await store.release(released);
    expect(await stockOf(service.database.db, id)).toBe(7);

    expect(await store.settle({ commit: [toCommit], expire: [toExpire, released] })).toEqual({
      committed: 1,
      expired: 1,
    });
    expect((await store.find(toCommit))?.status).toBe('committed');
    expect((await store.find(toExpire))?.status).toBe('expired');
    expect((await store.find(released))?.status).toBe('released');
    expect(await stockOf(service.database.db, id)).toBe(9);

    // Settled again (a second replica with the same answers): nothing changes.
    expect(await store.settle({ commit: [toCommit], expire: [toExpire] })).toEqual({ committed: 0, expired: 0 });
    expect(await store.settle({ commit: [], expire: [] })).toEqual({ committed: 0, expired: 0 });
    expect(await stockOf(service.database.db, id)).toBe(9);
  });
});
