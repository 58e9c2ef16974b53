import { randomUUID } from 'node:crypto';
import { OrderCancelled, OrderPlaced, OrderStatusChanged } from '@shop/contracts';
import { schemaErrors } from '@shop/platform/testing';
import { describe, expect, it } from 'vitest';
import { ORDER_STATUSES } from '../../src/domain/order.ts';
import { orderMoveEvent, orderPlacedEvent, type PlacedOrder } from '../../src/events/order-events.ts';

const order: PlacedOrder = {
  id: 12,
  userId: 7,
  email: 'ada@example.com',
  lines: [
    { productId: 3, name: 'Coffee beans 1 kg', unitPriceCents: 1850, quantity: 2 },
    { productId: 5, name: 'Free sample', unitPriceCents: 0, quantity: 1 },
  ],
  totalCents: 3700,
  currency: 'EUR',
  reservationId: randomUUID(),
  fromCart: true,
};

describe('the order service’s events', () => {
  it('when an order is placed, then order.placed carries its lines, totals and reservation, and passes OrderPlaced', () => {
    const data = orderPlacedEvent(order);
    expect(schemaErrors(OrderPlaced, data)).toEqual([]);
    expect(data).toEqual({
      order_id: 12,
      user_id: 7,
      email: 'ada@example.com',
      items: [
        { product_id: 3, name: 'Coffee beans 1 kg', unit_price_cents: 1850, quantity: 2, line_total_cents: 3700 },
        { product_id: 5, name: 'Free sample', unit_price_cents: 0, quantity: 1, line_total_cents: 0 },
      ],
      total_cents: 3700,
      currency: 'EUR',
      from_cart: true,
      reservation_id: order.reservationId,
    });
  });

  it('when an order is cancelled, then order.cancelled passes OrderCancelled and carries no field beyond it', () => {
    const extra = { order_id: 12, user_id: 7, email: 'ada@example.com', reason: 'cancelled by the customer', x: 1 };
    const event = orderMoveEvent({ type: 'order.cancelled', data: extra });
    expect(event.type).toBe('order.cancelled');
    expect(schemaErrors(OrderCancelled, event.data)).toEqual([]);
    expect(Object.keys(event.data).sort()).toEqual(Object.keys(OrderCancelled.properties).sort());
  });

  it.each(ORDER_STATUSES)(
    'when an order moves to %s, then order.status_changed passes OrderStatusChanged',
    (status) => {
      const event = orderMoveEvent({ type: 'order.status_changed', data: { order_id: 12, status } });
      expect(event).toEqual({ type: 'order.status_changed', data: { order_id: 12, status } });
      expect(schemaErrors(OrderStatusChanged, event.data)).toEqual([]);
    },
  );

  it('when order.placed names a reservation that is not a UUID or a field has the wrong type, then OrderPlaced refuses it; one written before reservations were named passes', () => {
    const { reservation_id: _, ...withoutReservation } = orderPlacedEvent(order);
    expect(schemaErrors(OrderPlaced, withoutReservation)).toEqual([]);
    expect(schemaErrors(OrderPlaced, { ...orderPlacedEvent(order), reservation_id: 'r-1' })).not.toEqual([]);
    expect(schemaErrors(OrderPlaced, { ...orderPlacedEvent(order), total_cents: '3700' })).not.toEqual([]);
  });
});
