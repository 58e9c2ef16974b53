import { randomUUID } from 'node:crypto';
import { databaseTargets } from '@shop/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProductGateway } from '../../src/domain/ports.ts';
import { bearer, buildTestShop, expectProblem, orderCount, postOrder, type TestShop } from '../helpers.ts';

/** The product service's RESERVATION_TTL in these tests (its default), plus a second. */
const PAST_TTL_MS = 901_000;

describe.each(databaseTargets())(
  'POST /internal/reservations/outcomes and the product service’s sweeper on $name',
  (target) => {
    let shop: TestShop;
    /** What happens at the saga's steps, set per test. */
    const faults: { afterReserve?: () => Promise<void> } = {};

    beforeAll(async () => {
      shop = await buildTestShop(target, {
        wrapProducts: (real): ProductGateway => ({
          reserve: async (orderRef, items) => {
            const reservation = await real.reserve(orderRef, items);
            await faults.afterReserve?.();
            return reservation;
          },
          commit: (id) => real.commit(id),
          release: (id) => real.release(id),
        }),
      });
    });
    afterAll(() => shop.close());

    const ask = (reservations: unknown, token = shop.product.tokens.productService) =>
      shop.order.app.inject({
        method: 'POST',
        url: '/internal/reservations/outcomes',
        headers: bearer(token),
        payload: { reservations } as object,
      });
    const reservationOf = async (id: string) => {
      const response = await shop.product.app.inject({
        method: 'GET',
        url: `/internal/reservations/${id}`,
        headers: bearer(shop.product.tokens.orderService),
      });
      expect(response.statusCode).toBe(200);
      return response.json() as { reservation_id: string; order_ref: string; status: string };
    };
    /** Reserves at the product service as an attempt that then died (no order, no key). */
    const orphanReservation = async (productId: number, quantity: number) => {
      const response = await shop.product.app.inject({
        method: 'POST',
        url: '/internal/reservations',
        headers: bearer(shop.product.tokens.orderService),
        payload: { order_ref: randomUUID(), items: [{ product_id: productId, quantity }] },
      });
      expect(response.statusCode).toBe(201);
      return response.json() as { reservation_id: string; order_ref: string };
    };
    /**
     * Places an order. No bus runs here, so its `order.placed` never reaches the product
     * service: the reservation stays held, as when that event is late or lost.
     */
    const placeWithoutCommit = async (token: string, productId: number, quantity: number) => {
      const response = await postOrder(shop.order.app, token, { items: [{ product_id: productId, quantity }] });
      expect(response.statusCode, response.body).toBe(201);
      return response.json() as { id: number; status: string };
    };
    const reservationIdOf = async (orderId: number) => {
      const order = await shop.order.context.manage.orders.find(orderId);
      if (!order) throw new Error(`no order ${orderId}`);
      return order.reservationId;
    };

    describe('the endpoint', () => {
      it('when asked about a confirmed order’s reservation, a cancelled one’s and ones no order holds, then commit, release, release, release in the order asked', async () => {
        const me = await shop.newCustomer();
        const item = await shop.makeProduct(10);
        const kept = await placeWithoutCommit(me.token, item.id, 1);
        const keptReservation = await reservationOf(await reservationIdOf(kept.id));
        const dropped = await placeWithoutCommit(me.token, item.id, 1);
        const droppedReservation = await reservationIdOf(dropped.id);
        const cancel = await shop.order.app.inject({
          method: 'POST',
          url: `/api/orders/${dropped.id}/cancel`,
          headers: bearer(me.token),
        });
        expect(cancel.statusCode).toBe(200);
        const orphan = await orphanReservation(item.id, 1);
        const unknown = randomUUID();

        const response = await ask([
          { reservation_id: keptReservation.reservation_id, order_ref: keptReservation.order_ref },
          { reservation_id: droppedReservation, order_ref: randomUUID() },
          { reservation_id: orphan.reservation_id, order_ref: orphan.order_ref },
          { reservation_id: unknown, order_ref: 'made-by-someone-else' },
        ]);

        expect(response.statusCode, response.body).toBe(200);
        expect(response.json()).toEqual({
          outcomes: [
            { reservation_id: keptReservation.reservation_id, outcome: 'commit' },
            { reservation_id: droppedReservation, outcome: 'release' },
            { reservation_id: orphan.reservation_id, outcome: 'release' },
            { reservation_id: unknown, outcome: 'release' },
          ],
        });
      });

      it('when there is no token, then 401; when the token lacks order:reconcile (the order service’s own, an admin’s, a customer’s), then 403', async () => {
        const body = [{ reservation_id: randomUUID(), order_ref: randomUUID() }];
        const none = await shop.order.app.inject({
          method: 'POST',
          url: '/internal/reservations/outcomes',
          payload: { reservations: body },
        });
        expectProblem(none, 401);
        const customer = await shop.newCustomer();
        for (const token of [shop.product.tokens.orderService, shop.admin, customer.token]) {
          const refused = await ask(body, token);
          expectProblem(refused, 403);
          expect(refused.headers['www-authenticate']).toMatch(/insufficient_scope/);
        }
      });

      it('when /openapi.json is read, then the operation is tagged internal, secured, and has its body and responses', async () => {
        const response = await shop.order.app.inject({ method: 'GET', url: '/openapi.json' });
        const operation = response.json().paths['/internal/reservations/outcomes']?.post;
        expect(operation?.tags).toEqual(['internal (services only)']);
        expect(operation?.security).toEqual([{ bearer: [] }]);
        const body = operation?.requestBody?.content?.['application/json']?.schema;
        expect(body?.properties?.reservations?.items?.required?.sort()).toEqual(['order_ref', 'reservation_id']);
        expect(Object.keys(operation?.responses ?? {}).sort()).toEqual(['200', '400', '401', '403']);
        const answer = operation?.responses?.['200']?.content?.['application/json']?.schema;
        expect(answer?.properties?.outcomes?.items?.properties?.outcome).toBeDefined();
      });

      it.each([
        ['no reservations', []],
        ['a reservation id that is no UUID', [{ reservation_id: 'r-1', order_ref: randomUUID() }]],
        ['a urn:uuid reservation id', [{ reservation_id: `urn:uuid:${randomUUID()}`, order_ref: 'x' }]],
        ['no order_ref', [{ reservation_id: randomUUID() }]],
        ['an empty order_ref', [{ reservation_id: randomUUID(), order_ref: '' }]],
        ['an unknown field', [{ reservation_id: randomUUID(), order_ref: 'x', status: 'held' }]],
        ['501 reservations', Array.from({ length: 501 }, () => ({ reservation_id: randomUUID(), order_ref: 'x' }))],
      ])('when the body has %s, then 400', async (_label, reservations) => {
        expectProblem(await ask(reservations), 400);
      });
    });

    describe('the sweeper asks before any stock goes back', () => {
      it('when an order’s order.placed never reached the product service and its reservation comes due, then the sweeper commits it: the order stays confirmed, its stock stays taken, sweep after sweep', async () => {
        const me = await shop.newCustomer();
        const item = await shop.makeProduct(10);
        const order = await placeWithoutCommit(me.token, item.id, 4);
        const reservationId = await reservationIdOf(order.id);
        expect((await reservationOf(reservationId)).status).toBe('held');
        expect(await shop.stockOf(item.id)).toBe(6);

        shop.advanceProductClock(PAST_TTL_MS);
        await shop.sweep();
        await shop.sweep();

        expect((await reservationOf(reservationId)).status).toBe('committed');
        expect(await shop.stockOf(item.id)).toBe(6);
        const read = await shop.order.app.inject({
          method: 'GET',
          url: `/api/orders/${order.id}`,
          headers: bearer(me.token),
        });
        expect(read.json().status).toBe('confirmed');
        await shop.sweep();
        expect((await reservationOf(reservationId)).status).toBe('committed');
        expect(await shop.stockOf(item.id)).toBe(6);
      });

      it('when the order service is down, then due reservations stay held with their stock; once it is back, the order’s is committed and the orphan’s expires', async () => {
        const me = await shop.newCustomer();
        const item = await shop.makeProduct(10);
        const order = await placeWithoutCommit(me.token, item.id, 2);
        const reservationId = await reservationIdOf(order.id);
        const orphan = await orphanReservation(item.id, 3);
        expect(await shop.stockOf(item.id)).toBe(5);

        await shop.stopOrder();
        try {
          shop.advanceProductClock(PAST_TTL_MS);
          await shop.sweep();
          await shop.sweep();
          expect((await reservationOf(reservationId)).status).toBe('held');
          expect((await reservationOf(orphan.reservation_id)).status).toBe('held');
          expect(await shop.stockOf(item.id)).toBe(5);
        } finally {
          await shop.startOrder();
        }
        await shop.sweep();
        expect((await reservationOf(reservationId)).status).toBe('committed');
        expect((await reservationOf(orphan.reservation_id)).status).toBe('expired');
        expect(await shop.stockOf(item.id)).toBe(8);
      });

      it('when the sweeper asks between an attempt’s reserve and its insert, then "no order" is final: the insert is refused with 409, no order, every stock untouched, and the same key then orders once', async () => {
        const me = await shop.newCustomer();
        const item = await shop.makeProduct(10);
        const other = await shop.makeProduct(5);
        const before = await orderCount(shop.order.database);
        const body = {
          items: [
            { product_id: item.id, quantity: 3 },
            { product_id: other.id, quantity: 5 },
          ],
        };
        faults.afterReserve = async () => {
          faults.afterReserve = undefined;
          shop.advanceProductClock(PAST_TTL_MS);
          await shop.sweep();
        };
        const refused = await postOrder(shop.order.app, me.token, body, 'slow-attempt');
        expect(faults.afterReserve).toBeUndefined();

        expectProblem(refused, 409);
        expect(await orderCount(shop.order.database)).toBe(before);
        expect(await shop.stockOf(item.id)).toBe(10);
        expect(await shop.stockOf(other.id)).toBe(5);

        const retry = await postOrder(shop.order.app, me.token, body, 'slow-attempt');
        expect(retry.statusCode, retry.body).toBe(201);
        expect(await orderCount(shop.order.database)).toBe(before + 1);
        expect(await shop.stockOf(item.id)).toBe(7);
        expect(await shop.stockOf(other.id)).toBe(0);
        const replay = await postOrder(shop.order.app, me.token, body, 'slow-attempt');
        expect(replay.statusCode).toBe(200);
        expect(replay.json().id).toBe(retry.json().id);
      });
    });
  },
);
