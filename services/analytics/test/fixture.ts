import type { DailyProductRow, DailyRow } from './helpers.ts';
import { orderCancelled, orderPlaced } from './helpers.ts';

/**
 * A week and a bit of a small shop, with the figures worked out by hand below.
 *
 *  order  user  placed (UTC)            lines (product × qty @ cents)          units  revenue  cancelled
 *  1      10    Mon 2026-03-02 09:00    P1 × 2 @ 1000, P2 × 1 @ 500              3     2500
 *  2      11    Mon 2026-03-02 23:30    P1 × 1 @ 1000                            1     1000
 *  3      10    Tue 2026-03-03 00:15    P3 × 4 @ 250, P2 × 2 @ 500               6     2000
 *  4      12    Tue 2026-03-03 12:00    P1 × 1 @ 1000, P3 × 1 @ 250              2     1250     yes, the cancellation arriving first
 *  5      11    Thu 2026-03-05 08:00    P2 × 3 @ 500                             3     1500     yes
 *  6      13    Mon 2026-03-09 10:00    P1 × 1 @ 1000, P2 × 1 @ 500, P2 × 1 @ 500 3     2000
 *  7      12    Tue 2026-03-31 23:30-02:00 = Wed 2026-04-01 01:30 UTC: P3 × 2 @ 250    2      500
 */
export function fixtureEvents() {
  const [one, two, three, four, five, six, seven] = [
    orderPlaced({
      order_id: 1,
      user_id: 10,
      time: '2026-03-02T09:00:00Z',
      lines: [
        { product_id: 1, name: 'Espresso machine', quantity: 2, unit_price_cents: 1000 },
        { product_id: 2, name: 'Beans', quantity: 1, unit_price_cents: 500 },
      ],
    }),
    orderPlaced({
      order_id: 2,
      user_id: 11,
      time: '2026-03-02T23:30:00Z',
      lines: [{ product_id: 1, name: 'Espresso machine', quantity: 1, unit_price_cents: 1000 }],
    }),
    orderPlaced({
      order_id: 3,
      user_id: 10,
      time: '2026-03-03T00:15:00Z',
      lines: [
        { product_id: 3, name: 'Filter', quantity: 4, unit_price_cents: 250 },
        { product_id: 2, name: 'Beans', quantity: 2, unit_price_cents: 500 },
      ],
    }),
    orderPlaced({
      order_id: 4,
      user_id: 12,
      time: '2026-03-03T12:00:00Z',
      lines: [
        { product_id: 1, name: 'Espresso machine', quantity: 1, unit_price_cents: 1000 },
        { product_id: 3, name: 'Filter', quantity: 1, unit_price_cents: 250 },
      ],
    }),
    orderPlaced({
      order_id: 5,
      user_id: 11,
      time: '2026-03-05T08:00:00Z',
      lines: [{ product_id: 2, name: 'Beans', quantity: 3, unit_price_cents: 500 }],
    }),
    orderPlaced({
      order_id: 6,
      user_id: 13,
      time: '2026-03-09T10:00:00Z',
      lines: [
        { product_id: 1, name: 'Espresso machine II', quantity: 1, unit_price_cents: 1000 },
        { product_id: 2, name: 'Beans', quantity: 1, unit_price_cents: 500 },
        { product_id: 2, name: 'Beans', quantity: 1, unit_price_cents: 500 },
      ],
    }),
    orderPlaced({
      order_id: 7,
      user_id: 12,
      time: '2026-03-31T23:30:00-02:00',
      lines: [{ product_id: 3, name: 'Paper filter', quantity: 2, unit_price_cents: 250 }],
    }),
  ] as const;
  const cancelFour = orderCancelled({ order_id: 4, user_id: 12, time: '2026-03-03T13:00:00Z' });
  const cancelFive = orderCancelled({ order_id: 5, user_id: 11, time: '2026-03-06T08:00:00Z' });
  return {
    placements: [one, two, three, four, five, six, seven],
    cancellations: [cancelFour, cancelFive] as const,
    // The cancellation of order 4 arrives before its placement.
    inOrder: [one, two, three, cancelFour, four, five, cancelFive, six, seven],
  };
}

export const EXPECTED_DAILY: DailyRow[] = [
  { day: '2026-03-02', orders: 2, units: 4, revenue_cents: 3500, cancelled_orders: 0 },
  { day: '2026-03-03', orders: 1, units: 6, revenue_cents: 2000, cancelled_orders: 1 },
  { day: '2026-03-05', orders: 0, units: 0, revenue_cents: 0, cancelled_orders: 1 },
  { day: '2026-03-09', orders: 1, units: 3, revenue_cents: 2000, cancelled_orders: 0 },
  { day: '2026-04-01', orders: 1, units: 2, revenue_cents: 500, cancelled_orders: 0 },
];

export const EXPECTED_DAILY_PRODUCTS: DailyProductRow[] = [
  { day: '2026-03-02', product_id: 1, units: 3, revenue_cents: 3000 },
  { day: '2026-03-02', product_id: 2, units: 1, revenue_cents: 500 },
  { day: '2026-03-03', product_id: 2, units: 2, revenue_cents: 1000 },
  { day: '2026-03-03', product_id: 3, units: 4, revenue_cents: 1000 },
  { day: '2026-03-09', product_id: 1, units: 1, revenue_cents: 1000 },
  { day: '2026-03-09', product_id: 2, units: 2, revenue_cents: 1000 },
  { day: '2026-04-01', product_id: 3, units: 2, revenue_cents: 500 },
];
