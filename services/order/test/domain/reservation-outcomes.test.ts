import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { cancelOrder } from '../../src/domain/manage-orders.ts';
import { placeOrder } from '../../src/domain/place-order.ts';
import type { ProductGateway } from '../../src/domain/ports.ts';
import { reservationOutcomes } from '../../src/domain/reservation-outcomes.ts';
import { type FakeWorld, fakeWorld, orderRequest } from '../fakes/world.ts';
import { rejectsWith } from './support.ts';

const COLA = 1;

describe('reservationOutcomes, the product service’s question before a reservation expires', () => {
  let world: FakeWorld;

  beforeEach(() => {
    world = fakeWorld();
    world.products.addProduct(COLA, { name: 'Cola', priceCents: 199, stock: 10 });
  });

  const ask = (reservationId: string, orderRef: string) =>
    reservationOutcomes([{ reservationId, orderRef }], { orders: world.orders });

  it('when a confirmed order holds the reservation (its order.placed never committed it), then commit', async () => {
    const { order } = await placeOrder(orderRequest([{ productId: COLA, quantity: 2 }]), world.placeDeps());
    const reservation = world.products.reservation(order.reservationId);
    expect(reservation?.status).toBe('held');

    expect(await ask(order.reservationId, reservation?.orderRef ?? '')).toEqual([
      { reservationId: order.reservationId, outcome: 'commit' },
    ]);
    // Asking again gets the same answer, and the order is untouched.
    expect(await ask(order.reservationId, reservation?.orderRef ?? '')).toEqual([
      { reservationId: order.reservationId, outcome: 'commit' },
    ]);
    expect((await world.orders.find(order.id))?.status).toBe('confirmed');
  });

  it('when the order moved on (shipped), then still commit', async () => {
    const { order } = await placeOrder(orderRequest([{ productId: COLA, quantity: 1 }]), world.placeDeps());
    await world.orders.setStatus(order.id, 'confirmed', 'shipped', {
      type: 'order.status_changed',
      data: { order_id: order.id, status: 'shipped' },
    });
    const [outcome] = await ask(order.reservationId, randomUUID());
    expect(outcome?.outcome).toBe('commit');
  });

  it('when the order was cancelled, then release', async () => {
    world.products.failOn('release');
    const { order } = await placeOrder(orderRequest([{ productId: COLA, quantity: 1 }]), world.placeDeps());
    await cancelOrder(order.id, { userId: order.userId, canReadAll: false, canWrite: false }, world.manageDeps());
    const [outcome] = await ask(order.reservationId, world.products.reservation(order.reservationId)?.orderRef ?? '');
    expect(outcome?.outcome).toBe('release');
  });

  it('when the attempt reserved and has not inserted its order yet, then release, and that attempt can never insert it: 409, the reservation released, the key free for a retry that orders once', async () => {
    const request = orderRequest([{ productId: COLA, quantity: 3 }]);
    // The product service asks between the saga's reserve and its insert (the attempt took too long).
    const products: ProductGateway = {
      reserve: async (orderRef, items) => {
        const reservation = await world.products.reserve(orderRef, items);
        const [answer] = await ask(reservation.id, orderRef);
        expect(answer?.outcome).toBe('release');
        world.products.expire(reservation.id); // what the product service does with that answer
        return reservation;
      },
      commit: (id) => world.products.commit(id),
      release: (id) => world.products.release(id),
    };

    const error = await rejectsWith(placeOrder(request, world.placeDeps({ products })), 'conflict');
    expect(error.message).toMatch(/Idempotency-Key/);
    expect(world.tables.orders.size).toBe(0);
    expect(world.tables.key(request.user.id, request.idempotencyKey)).toBeUndefined();
    const [fenced] = world.products.allReservations();
    expect(fenced?.status).toBe('expired');
    expect(world.products.stockOf(COLA)).toBe(10);

    const retry = await placeOrder(request, world.placeDeps());
    expect(retry.replayed).toBe(false);
    expect(world.tables.orders.size).toBe(1);
    expect(world.products.stockOf(COLA)).toBe(7);
  });

  it('when no attempt ever made the ref (or it is no attempt id at all), then release, and other keys are untouched', async () => {
    const request = orderRequest([{ productId: COLA, quantity: 1 }]);
    const claim = await world.keys.claim(request.user.id, request.idempotencyKey, 'hash', 30_000);
    expect(claim.kind).toBe('claimed');

    const outcomes = await reservationOutcomes(
      [
        { reservationId: randomUUID(), orderRef: randomUUID() },
        { reservationId: randomUUID(), orderRef: 'not-an-attempt' },
      ],
      { orders: world.orders },
    );
    expect(outcomes.map((outcome) => outcome.outcome)).toEqual(['release', 'release']);
    expect(world.tables.key(request.user.id, request.idempotencyKey)?.orderId).toBeNull();
  });
});
