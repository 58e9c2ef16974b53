import type { OrderPlaced } from '@shop/contracts';
import { describe, expect, it } from 'vitest';
import { type DecodedEvent, factsFromEvents } from '../../src/domain/facts.ts';

function placed(sequence: number, data: Partial<OrderPlaced>, time = '2026-03-02T10:00:00Z'): DecodedEvent {
  const order: OrderPlaced = {
    order_id: 1,
    user_id: 2,
    email: 'ada@example.com',
    items: [{ product_id: 5, name: 'Mug', unit_price_cents: 900, quantity: 2, line_total_cents: 1800 }],
    total_cents: 1800,
    currency: 'EUR',
    from_cart: true,
    ...data,
  };
  return { sequence, id: `e${sequence}`, kind: 'order_placed', time: new Date(time), data: order };
}

describe('facts from events', () => {
  it('when an order holds two lines of one product, then its fact has one line adding them up, under the last name', () => {
    const { orders } = factsFromEvents([
      placed(1, {
        items: [
          { product_id: 5, name: 'Mug', unit_price_cents: 900, quantity: 2, line_total_cents: 1800 },
          { product_id: 6, name: 'Tea', unit_price_cents: 300, quantity: 1, line_total_cents: 300 },
          { product_id: 5, name: 'Mug (blue)', unit_price_cents: 900, quantity: 1, line_total_cents: 900 },
        ],
        total_cents: 3000,
      }),
    ]);
    expect(orders).toEqual([
      expect.objectContaining({
        orderId: 1,
        units: 4,
        revenueCents: 3000,
        lines: [
          { productId: 5, name: 'Mug (blue)', quantity: 3, revenueCents: 2700 },
          { productId: 6, name: 'Tea', quantity: 1, revenueCents: 300 },
        ],
      }),
    ]);
  });

  it('when an order is placed late in the evening west of UTC, then it counts on its UTC day', () => {
    const { orders } = factsFromEvents([placed(1, {}, '2026-03-31T23:30:00-02:00')]);
    expect(orders[0]?.placedOn).toBe('2026-04-01');
  });

  it('when one order is placed or cancelled twice in a batch, then the first event stands', () => {
    const facts = factsFromEvents([
      placed(1, { total_cents: 100 }),
      placed(2, { total_cents: 200 }),
      { sequence: 3, id: 'e3', kind: 'order_cancelled', time: new Date('2026-03-03T00:00:00Z'), data: cancelled(1) },
      { sequence: 4, id: 'e4', kind: 'order_cancelled', time: new Date('2026-03-04T00:00:00Z'), data: cancelled(1) },
    ]);
    expect(facts.orders.map((order) => order.revenueCents)).toEqual([100]);
    expect(facts.cancellations).toEqual([{ orderId: 1, cancelledAt: new Date('2026-03-03T00:00:00Z') }]);
  });

  it('when figures do not fit the rollups or the event was malformed, then it is skipped and said so', () => {
    const facts = factsFromEvents([
      placed(1, { order_id: 2 ** 31 }),
      placed(2, {
        order_id: 2,
        items: [{ product_id: 5, name: 'Mug', unit_price_cents: 1, quantity: 2 ** 31, line_total_cents: 2 ** 31 }],
      }),
      { sequence: 3, id: 'e3', kind: 'malformed', type: 'order.placed', errors: ['/items must be array'] },
      { sequence: 4, id: 'e4', kind: 'other' },
      placed(5, { order_id: 3 }),
    ]);
    expect(facts.orders.map((order) => order.orderId)).toEqual([3]);
    expect(facts.skipped.map((event) => [event.sequence, event.id])).toEqual([
      [1, 'e1'],
      [2, 'e2'],
      [3, 'e3'],
    ]);
  });
});

function cancelled(orderId: number) {
  return { order_id: orderId, user_id: 2, email: 'ada@example.com', reason: 'cancelled by the customer' };
}
