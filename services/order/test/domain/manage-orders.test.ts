import { beforeEach, describe, expect, it } from 'vitest';
import { type Caller, cancelOrder, getOrder, moveStatus } from '../../src/domain/manage-orders.ts';
import type { Order } from '../../src/domain/order.ts';
import { placeOrder } from '../../src/domain/place-order.ts';
import { type FakeWorld, fakeWorld, orderRequest } from '../fakes/world.ts';
import { rejectsWith } from './support.ts';

const MUG = 7;
const ADMIN: Caller = { userId: 1, canReadAll: true, canWrite: true };
const customer = (userId: number): Caller => ({ userId, canReadAll: false, canWrite: false });

describe('order management', () => {
  let world: FakeWorld;
  let order: Order;
  let owner: Caller;

  beforeEach(async () => {
    world = fakeWorld();
    world.products.addProduct(MUG, { name: 'Mug', priceCents: 900, stock: 10 });
    ({ order } = await placeOrder(orderRequest([{ productId: MUG, quantity: 3 }]), world.placeDeps()));
    owner = customer(order.userId);
    world.tables.outbox.length = 0;
  });

  describe('getOrder', () => {
    it('when the owner asks, then the order comes back', async () => {
      expect((await getOrder(order.id, owner, world.manageDeps())).id).toBe(order.id);
    });

    it('when another customer asks, then 404, never 403', async () => {
      const error = await rejectsWith(getOrder(order.id, customer(order.userId + 1), world.manageDeps()), 'not_found');
      expect(error.message).toBe(`No order with id ${order.id}.`);
    });

    it('when an admin asks, then the order comes back', async () => {
      expect((await getOrder(order.id, ADMIN, world.manageDeps())).userId).toBe(order.userId);
    });

    it('when no order has the id, then 404', async () => {
      await rejectsWith(getOrder(order.id + 100, ADMIN, world.manageDeps()), 'not_found');
    });
  });

  describe('cancelOrder', () => {
    it('when the owner cancels a confirmed order, then it is cancelled, the reservation released and order.cancelled written', async () => {
      const cancelled = await cancelOrder(order.id, owner, world.manageDeps());

      expect(cancelled.status).toBe('cancelled');
      expect(world.products.calls.release).toBe(1);
      expect(world.products.reservation(order.reservationId)?.status).toBe('released');
      expect(world.products.stockOf(MUG)).toBe(10);
      expect(await world.orders.pendingReservations(10)).toEqual([]);
      expect(world.tables.outbox).toEqual([
        {
          type: 'order.cancelled',
          data: { order_id: order.id, user_id: order.userId, email: order.email, reason: 'cancelled by the customer' },
        },
      ]);
    });

    it('when another customer cancels, then 404 and nothing changes', async () => {
      await rejectsWith(cancelOrder(order.id, customer(order.userId + 1), world.manageDeps()), 'not_found');
      expect((await world.orders.find(order.id))?.status).toBe('confirmed');
      expect(world.products.calls.release).toBe(0);
      expect(world.tables.outbox).toEqual([]);
    });

    it('when an admin cancels a confirmed order, then it is cancelled "by the shop" and the stock returns', async () => {
      const cancelled = await cancelOrder(order.id, ADMIN, world.manageDeps());
      expect(cancelled.status).toBe('cancelled');
      expect(world.products.stockOf(MUG)).toBe(10);
      expect(world.tables.outbox[0]?.data).toMatchObject({ reason: 'cancelled by the shop' });
    });

    it('when the order is already cancelled, then 409 and the stock is not returned twice', async () => {
      await cancelOrder(order.id, owner, world.manageDeps());
      const error = await rejectsWith(cancelOrder(order.id, owner, world.manageDeps()), 'conflict');
      expect(error.message).toBe('An order that is cancelled cannot be cancelled.');
      expect(world.products.stockOf(MUG)).toBe(10);
      expect(world.products.calls.release).toBe(1);
    });

    it('when the order has shipped, then neither the owner nor an admin can cancel it (409)', async () => {
      await moveStatus(order.id, 'shipped', world.manageDeps());
      for (const caller of [owner, ADMIN]) {
        const error = await rejectsWith(cancelOrder(order.id, caller, world.manageDeps()), 'conflict');
        expect(error.message).toBe('An order that is shipped cannot be cancelled.');
      }
      expect((await world.orders.find(order.id))?.status).toBe('shipped');
      expect(world.products.calls.release).toBe(0);
      expect(world.products.stockOf(MUG)).toBe(7);
    });

    it('when the release fails, then the order is still cancelled and left for the reconciler, which releases later', async () => {
      world.products.failOn('release');
      const cancelled = await cancelOrder(order.id, owner, world.manageDeps());

      expect(cancelled.status).toBe('cancelled');
      expect(world.products.reservation(order.reservationId)?.status).toBe('held');
      expect(await world.orders.pendingReservations(10)).toEqual([
        { id: order.id, reservationId: order.reservationId, action: 'release' },
      ]);

      const reconciler = world.reconciler();
      await reconciler.runOnce();
      expect(await world.orders.pendingReservations(10)).toHaveLength(1);

      world.products.heal('release');
      await reconciler.runOnce();
      expect(world.products.reservation(order.reservationId)?.status).toBe('released');
      expect(world.products.stockOf(MUG)).toBe(10);
      expect(await world.orders.pendingReservations(10)).toEqual([]);
    });
  });

  describe('moveStatus', () => {
    it('when moved confirmed → shipped → delivered, then each step is saved with its order.status_changed event', async () => {
      expect((await moveStatus(order.id, 'shipped', world.manageDeps())).status).toBe('shipped');
      expect((await moveStatus(order.id, 'delivered', world.manageDeps())).status).toBe('delivered');
      expect(world.tables.outbox).toEqual([
        { type: 'order.status_changed', data: { order_id: order.id, status: 'shipped' } },
        { type: 'order.status_changed', data: { order_id: order.id, status: 'delivered' } },
      ]);
    });

    it('when a move skips a step, then 409 naming from and to, and nothing changes', async () => {
      const error = await rejectsWith(moveStatus(order.id, 'delivered', world.manageDeps()), 'conflict');
      expect(error.message).toBe('An order that is confirmed cannot become delivered.');
      expect((await world.orders.find(order.id))?.status).toBe('confirmed');
      expect(world.tables.outbox).toEqual([]);
    });

    it('when a move goes backwards or repeats, then 409', async () => {
      await moveStatus(order.id, 'shipped', world.manageDeps());
      await moveStatus(order.id, 'delivered', world.manageDeps());
      await rejectsWith(moveStatus(order.id, 'shipped', world.manageDeps()), 'conflict');
      await rejectsWith(moveStatus(order.id, 'delivered', world.manageDeps()), 'conflict');
      expect((await world.orders.find(order.id))?.status).toBe('delivered');
    });

    it('when the order is cancelled, then it cannot be shipped (409)', async () => {
      await cancelOrder(order.id, owner, world.manageDeps());
      const error = await rejectsWith(moveStatus(order.id, 'shipped', world.manageDeps()), 'conflict');
      expect(error.message).toBe('An order that is cancelled cannot become shipped.');
    });

    it('when no order has the id, then 404', async () => {
      await rejectsWith(moveStatus(order.id + 100, 'shipped', world.manageDeps()), 'not_found');
    });
  });
});
