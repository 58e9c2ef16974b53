import { beforeEach, describe, expect, it } from 'vitest';
import { placeOrder } from '../../src/domain/place-order.ts';
import { productServiceDown } from '../fakes/product-gateway.ts';
import { type FakeWorld, fakeWorld, KEY_LEASE_MS, mortalProcess, orderRequest, ProcessDied } from '../fakes/world.ts';
import { rejectsWith } from './support.ts';

const COLA = 1;
const TEA = 2;

describe('placeOrder, the checkout saga', () => {
  let world: FakeWorld;

  beforeEach(() => {
    world = fakeWorld();
    world.products.addProduct(COLA, { name: 'Cola', priceCents: 199, stock: 10 });
    world.products.addProduct(TEA, { name: 'Tea', priceCents: 350, stock: 5 });
  });

  describe('when every step succeeds', () => {
    it('when stock suffices, then the order is confirmed with the reserved lines and order.placed written, naming the reservation the product service commits on it', async () => {
      const request = orderRequest([
        { productId: COLA, quantity: 2 },
        { productId: TEA, quantity: 1 },
      ]);
      const { order, replayed } = await placeOrder(request, world.placeDeps());

      expect(replayed).toBe(false);
      expect(order).toMatchObject({ userId: request.user.id, email: request.user.email, status: 'confirmed' });
      expect(order.lines).toEqual([
        { productId: COLA, name: 'Cola', unitPriceCents: 199, quantity: 2 },
        { productId: TEA, name: 'Tea', unitPriceCents: 350, quantity: 1 },
      ]);
      expect(order.totalCents).toBe(2 * 199 + 350);
      expect(order.currency).toBe('EUR');
      // No call back after the order is saved: the event commits the reservation.
      expect(world.products.reservation(order.reservationId)?.status).toBe('held');
      expect(world.products.stockOf(COLA)).toBe(8);
      expect(world.products.stockOf(TEA)).toBe(4);
      expect(await world.orders.pendingReservations(10)).toEqual([]);
      expect(world.tables.outbox.map((row) => row.type)).toEqual(['order.placed']);
      expect(world.tables.outbox[0]?.data).toMatchObject({ order_id: order.id, reservation_id: order.reservationId });
      expect(world.products.calls).toEqual({ reserve: 1, commit: 0, release: 0 });
    });

    it('when the client sends prices, then they are ignored: the prices are the ones the reservation carries', async () => {
      world.products.setPrice(COLA, 1234);
      const request = orderRequest([{ productId: COLA, quantity: 3 }]);
      // A client that smuggles a price into an item: the saga never reads it.
      (request.body.items as unknown as Array<Record<string, unknown>>)[0]!.unitPriceCents = 1;
      const { order } = await placeOrder(request, world.placeDeps());

      expect(order.lines[0]?.unitPriceCents).toBe(1234);
      expect(order.totalCents).toBe(3 * 1234);
      const placed = world.tables.outbox[0]?.data as { total_cents: number };
      expect(placed.total_cents).toBe(3 * 1234);
    });

    it('when the reservation comes back with other lines than asked, then 409, the reservation is released and the key freed', async () => {
      const realReserve = world.products.reserve.bind(world.products);
      world.products.reserve = async (ref, items) => {
        const reservation = await realReserve(ref, items);
        return { ...reservation, lines: reservation.lines.map((line) => ({ ...line, quantity: line.quantity + 1 })) };
      };
      const request = orderRequest([{ productId: COLA, quantity: 2 }]);
      await rejectsWith(placeOrder(request, world.placeDeps()), 'conflict');

      expect(world.tables.orders.size).toBe(0);
      expect(world.products.allReservations().map((r) => r.status)).toEqual(['released']);
      expect(world.products.stockOf(COLA)).toBe(10);
      expect(world.tables.key(request.user.id, request.idempotencyKey)).toBeUndefined();
    });
  });

  describe('failure points', () => {
    it('when the reserve is refused for short stock (409), then no order, nothing to release, and the key is freed so a retry with the same key can succeed', async () => {
      const request = orderRequest([
        { productId: COLA, quantity: 2 },
        { productId: TEA, quantity: 6 },
      ]);
      const error = await rejectsWith(placeOrder(request, world.placeDeps()), 'conflict');

      expect(error.errors).toEqual([{ product_id: TEA, requested: 6, available: 5 }]);
      expect(world.tables.orders.size).toBe(0);
      expect(world.tables.outbox).toEqual([]);
      expect(world.products.calls.release).toBe(0);
      expect(world.products.stockOf(COLA)).toBe(10);
      expect(world.products.stockOf(TEA)).toBe(5);
      expect(world.tables.key(request.user.id, request.idempotencyKey)).toBeUndefined();

      world.products.addProduct(TEA, { name: 'Tea', priceCents: 350, stock: 6 }); // restocked
      const retry = await placeOrder(request, world.placeDeps());
      expect(retry.replayed).toBe(false);
      expect(retry.order.lines.map((line) => line.quantity)).toEqual([2, 6]);
      expect(world.products.stockOf(TEA)).toBe(0);
    });

    it('when the product service is unavailable at reserve (503), then no order, nothing to release, the key is freed and a retry succeeds', async () => {
      world.products.failOn('reserve', productServiceDown, 1);
      const request = orderRequest([{ productId: COLA, quantity: 1 }]);
      await rejectsWith(placeOrder(request, world.placeDeps()), 'unavailable');

      expect(world.tables.orders.size).toBe(0);
      expect(world.products.allReservations()).toEqual([]);
      expect(world.products.calls.release).toBe(0);
      expect(world.products.stockOf(COLA)).toBe(10);
      expect(world.tables.key(request.user.id, request.idempotencyKey)).toBeUndefined();

      const retry = await placeOrder(request, world.placeDeps());
      expect(retry.replayed).toBe(false);
      expect(world.products.stockOf(COLA)).toBe(9);
      expect(world.tables.orders.size).toBe(1);
    });

    it('when the insert fails, then the reservation is released (the undo), no order is left and the key is freed', async () => {
      world.orders.failInsert();
      const request = orderRequest([
        { productId: COLA, quantity: 4 },
        { productId: TEA, quantity: 2 },
      ]);
      await expect(placeOrder(request, world.placeDeps())).rejects.toThrow('connection terminated unexpectedly');

      expect(world.products.calls).toEqual({ reserve: 1, commit: 0, release: 1 });
      const [reservation] = world.products.allReservations();
      expect(reservation?.status).toBe('released');
      expect(world.products.log.at(-1)).toEqual({ step: 'release', arg: reservation?.id });
      expect(world.products.stockOf(COLA)).toBe(10);
      expect(world.products.stockOf(TEA)).toBe(5);
      expect(world.tables.orders.size).toBe(0);
      expect(world.tables.outbox).toEqual([]);
      expect(world.tables.key(request.user.id, request.idempotencyKey)).toBeUndefined();

      const retry = await placeOrder(request, world.placeDeps());
      expect(retry.order.status).toBe('confirmed');
      expect(world.products.stockOf(COLA)).toBe(6);
    });

    it('when the insert fails and the release fails too, then the error is the insert’s, the undo failure is reported and the reservation is left held for expiry', async () => {
      world.orders.failInsert();
      world.products.failOn('release');
      const request = orderRequest([{ productId: COLA, quantity: 1 }]);
      await expect(placeOrder(request, world.placeDeps())).rejects.toThrow('connection terminated unexpectedly');

      const [reservation] = world.products.allReservations();
      expect(reservation?.status).toBe('held');
      expect(world.undoFailures.map((failure) => failure.reservationId)).toEqual([reservation?.id]);
      expect(world.tables.key(request.user.id, request.idempotencyKey)).toBeUndefined();
      world.products.expire(reservation?.id ?? '');
      expect(world.products.stockOf(COLA)).toBe(10);
    });

    it('when the process dies right after the reserve, then a retry with the same key after the lease takes over with a new attempt and succeeds, and the orphaned reservation is left held for the product service to expire', async () => {
      const request = orderRequest([{ productId: COLA, quantity: 2 }]);
      const crashing = mortalProcess(world);
      crashing.dieAfter('reserve');
      await expect(placeOrder(request, crashing.deps)).rejects.toBeInstanceOf(ProcessDied);

      expect(crashing.dead).toBe(true);
      const [orphan] = world.products.allReservations();
      expect(orphan?.status).toBe('held');
      const heldKey = world.tables.key(request.user.id, request.idempotencyKey);
      expect(heldKey?.orderId).toBeNull();
      expect(heldKey?.attemptId).toBe(orphan?.orderRef);
      expect(world.tables.orders.size).toBe(0);
      expect(world.products.stockOf(COLA)).toBe(8);

      // Within the lease the key is still the dead attempt's: a retry waits, then gives up with 409.
      const impatient = world.placeDeps({ duplicateWaitMs: 120 });
      await rejectsWith(placeOrder(request, impatient), 'conflict');
      expect(world.products.calls.reserve).toBe(1);

      world.clock.advance(KEY_LEASE_MS + 1);
      const retry = await placeOrder(request, world.placeDeps());
      expect(retry.replayed).toBe(false);
      expect(retry.order.reservationId).not.toBe(orphan?.id);
      expect(world.tables.key(request.user.id, request.idempotencyKey)?.attemptId).not.toBe(orphan?.orderRef);
      expect(world.products.reservation(retry.order.reservationId)?.status).toBe('held');

      // Nobody committed or released the orphan: it is the product service's expiry's business.
      expect(world.products.reservation(orphan?.id ?? '')?.status).toBe('held');
      expect(world.products.log.filter((call) => call.arg === orphan?.id)).toEqual([]);
      expect(world.products.stockOf(COLA)).toBe(6);
      world.products.expire(orphan?.id ?? '');
      expect(world.products.stockOf(COLA)).toBe(8);
      expect(world.tables.orders.size).toBe(1);
    });

    it('when the process dies right after the insert, then the order is kept, owes the product service no call, and a replay returns it', async () => {
      const request = orderRequest([{ productId: TEA, quantity: 1 }]);
      const crashing = mortalProcess(world);
      crashing.dieAfter('insert');
      await expect(placeOrder(request, crashing.deps)).rejects.toBeInstanceOf(ProcessDied);

      const [order] = [...world.tables.orders.values()];
      expect(order?.status).toBe('confirmed');
      expect(world.products.reservation(order?.reservationId ?? '')?.status).toBe('held');
      expect(await world.orders.pendingReservations(10)).toEqual([]);

      const replay = await placeOrder(request, world.placeDeps());
      expect(replay).toMatchObject({ replayed: true, order: { id: order?.id } });
    });
  });

  describe('idempotency', () => {
    it('when the same key comes with the same body, then the same order is replayed and the stock is reserved once', async () => {
      const request = orderRequest([
        { productId: COLA, quantity: 1 },
        { productId: TEA, quantity: 2 },
      ]);
      const first = await placeOrder(request, world.placeDeps());
      const reordered = { ...request, body: { items: [...(request.body.items ?? [])].reverse() } };
      const second = await placeOrder(reordered, world.placeDeps());

      expect(second.replayed).toBe(true);
      expect(second.order).toEqual(first.order);
      expect(world.products.calls).toEqual({ reserve: 1, commit: 0, release: 0 });
      expect(world.tables.orders.size).toBe(1);
      expect(world.products.stockOf(COLA)).toBe(9);
    });

    it('when the same key comes with another body, then 422 and nothing is reserved', async () => {
      const request = orderRequest([{ productId: COLA, quantity: 1 }]);
      await placeOrder(request, world.placeDeps());
      const other = { ...request, body: { items: [{ productId: COLA, quantity: 2 }] } };
      const error = await rejectsWith(placeOrder(other, world.placeDeps()), 'rule_violation');

      expect(error.errors).toEqual([{ field: 'Idempotency-Key', message: 'was used with another body' }]);
      expect(world.products.calls.reserve).toBe(1);
      expect(world.tables.orders.size).toBe(1);
    });

    it('when another user sends the same key, then it is their own key and their own order', async () => {
      const mine = orderRequest([{ productId: COLA, quantity: 1 }], { key: 'shared-key' });
      const theirs = orderRequest([{ productId: COLA, quantity: 1 }], { key: 'shared-key' });
      const first = await placeOrder(mine, world.placeDeps());
      const second = await placeOrder(theirs, world.placeDeps());

      expect(second.replayed).toBe(false);
      expect(second.order.id).not.toBe(first.order.id);
      expect(second.order.userId).toBe(theirs.user.id);
      expect(world.products.calls.reserve).toBe(2);
    });

    it('when a duplicate arrives while the first is still in progress, then it waits and gets the same order, and the stock is reserved once', async () => {
      const request = orderRequest([{ productId: COLA, quantity: 2 }]);
      const paused = world.products.pause('reserve');
      const first = placeOrder(request, world.placeDeps());
      await paused.reached;

      const claimsBefore = world.keys.calls.claim;
      const duplicate = placeOrder(request, world.placeDeps());
      while (world.keys.calls.claim < claimsBefore + 2) await new Promise((resolve) => setTimeout(resolve, 10));
      paused.resume();

      const [a, b] = await Promise.all([first, duplicate]);
      expect(a.replayed).toBe(false);
      expect(b.replayed).toBe(true);
      expect(b.order.id).toBe(a.order.id);
      expect(world.products.calls.reserve).toBe(1);
      expect(world.products.stockOf(COLA)).toBe(8);
      expect(world.tables.orders.size).toBe(1);
    });

    it('when a duplicate waits longer than the wait allows, then 409 "still in progress" with a retry-after, and nothing is reserved for it', async () => {
      const request = orderRequest([{ productId: COLA, quantity: 1 }]);
      const paused = world.products.pause('reserve');
      const first = placeOrder(request, world.placeDeps());
      await paused.reached;

      const error = await rejectsWith(placeOrder(request, world.placeDeps({ duplicateWaitMs: 100 })), 'conflict');
      expect(error.message).toMatch(/still in progress/);
      expect(error.retryAfterSeconds).toBe(1);
      paused.resume();
      await first;
      expect(world.products.calls.reserve).toBe(1);
    });

    it('when the first attempt fails while a duplicate waits, then the duplicate takes the key and places the order itself', async () => {
      const request = orderRequest([{ productId: COLA, quantity: 1 }]);
      world.products.failOn('reserve', productServiceDown, 1);
      const paused = world.products.pause('reserve');
      const first = placeOrder(request, world.placeDeps());
      await paused.reached;
      const duplicate = placeOrder(request, world.placeDeps());
      paused.resume();

      await rejectsWith(first, 'unavailable');
      const second = await duplicate;
      expect(second.replayed).toBe(false);
      expect(second.order.status).toBe('confirmed');
      expect(world.products.calls.reserve).toBe(2);
      expect(world.tables.orders.size).toBe(1);
    });
  });

  describe('what can be ordered', () => {
    it.each([
      ['a quantity of 0', [{ productId: COLA, quantity: 0 }], /1 to 99/],
      ['a quantity of 100', [{ productId: COLA, quantity: 100 }], /1 to 99/],
      ['a negative quantity', [{ productId: COLA, quantity: -1 }], /1 to 99/],
      ['a fractional quantity', [{ productId: COLA, quantity: 1.5 }], /1 to 99/],
      [
        'the same product twice',
        [
          { productId: COLA, quantity: 1 },
          { productId: COLA, quantity: 2 },
        ],
        /appears twice/,
      ],
      ['no items', [], /at least one item/],
    ])('when the order has %s, then 422, nothing is reserved and the key is freed', async (_label, items, message) => {
      const request = orderRequest(items);
      const error = await rejectsWith(placeOrder(request, world.placeDeps()), 'rule_violation');

      expect(error.message).toMatch(message);
      expect(world.products.calls.reserve).toBe(0);
      expect(world.tables.orders.size).toBe(0);
      expect(world.tables.key(request.user.id, request.idempotencyKey)).toBeUndefined();
    });

    it('when a quantity is 99, then it is accepted', async () => {
      world.products.addProduct(3, { stock: 99 });
      const { order } = await placeOrder(orderRequest([{ productId: 3, quantity: 99 }]), world.placeDeps());
      expect(order.lines[0]?.quantity).toBe(99);
    });

    it('when a product is unknown to the product service, then 422 and no order', async () => {
      const request = orderRequest([
        { productId: COLA, quantity: 1 },
        { productId: 999, quantity: 1 },
      ]);
      await rejectsWith(placeOrder(request, world.placeDeps()), 'rule_violation');
      expect(world.tables.orders.size).toBe(0);
      expect(world.products.stockOf(COLA)).toBe(10);
    });

    it('when ordering from the cart, then the cart’s items are ordered', async () => {
      const request = { ...orderRequest([]), body: { fromCart: true } };
      world.cart.carts.set(request.user.token, [{ productId: TEA, quantity: 2 }]);
      const { order } = await placeOrder(request, world.placeDeps());
      expect(order.lines).toEqual([{ productId: TEA, name: 'Tea', unitPriceCents: 350, quantity: 2 }]);
      expect(world.tables.outbox[0]?.data).toMatchObject({ from_cart: true });
    });

    it('when ordering from an empty cart, then 422 "The cart is empty." and the key is freed', async () => {
      const request = { ...orderRequest([]), body: { fromCart: true } };
      const error = await rejectsWith(placeOrder(request, world.placeDeps()), 'rule_violation');
      expect(error.message).toBe('The cart is empty.');
      expect(world.tables.key(request.user.id, request.idempotencyKey)).toBeUndefined();
    });
  });
});
