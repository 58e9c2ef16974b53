import { Type } from 'typebox';
import { FIRST_DAY, LAST_DAY } from '../domain/calendar.ts';
import { MAX_RANGE_DAYS } from '../domain/day-range.ts';

export const Problem = Type.Ref('Problem');
export const security = [{ bearer: [] }];

const MAX_ID = 2_147_483_647;
const Cents = Type.Integer({ description: 'Minor units of `currency`.' });
const Day = (description: string) =>
  Type.String({ format: 'date', description: `${description} (YYYY-MM-DD, UTC, ${FIRST_DAY} to ${LAST_DAY}).` });
const Limit = Type.Integer({ minimum: 1, maximum: 100, default: 10, description: 'How many to return.' });

/** Every report over days: both ends included, at most two years. */
const range = {
  from: Day('First day of the range'),
  to: Day(`Last day of the range, at most ${MAX_RANGE_DAYS - 1} days after from`),
};

export const SalesQuery = Type.Object({
  ...range,
  interval: Type.Union([Type.Literal('day'), Type.Literal('week'), Type.Literal('month')], {
    default: 'day',
    description: 'One item per day, ISO week (from Monday) or calendar month.',
  }),
});

export const SalesReport = Type.Object({
  currency: Type.String({ description: 'ISO 4217: the orders’ currency (the shop’s when the range has none).' }),
  items: Type.Array(
    Type.Object({
      period: Type.String({
        format: 'date',
        description: 'The period’s first day: the day, the Monday of the week, the 1st of the month.',
      }),
      orders: Type.Integer({
        description: 'Orders placed in the period (its days inside the range) and not cancelled.',
      }),
      units: Type.Integer({ description: 'Items in those orders.' }),
      revenue_cents: Cents,
      average_order_cents: Type.Integer({ description: 'revenue_cents / orders, rounded; 0 without orders.' }),
      cancelled_orders: Type.Integer({ description: 'Orders placed in the period that were cancelled.' }),
    }),
    { description: 'Every period of the range in date order, those without orders included.' },
  ),
});

export const TopProductsQuery = Type.Object({ ...range, limit: Limit });

export const TopProducts = Type.Object({
  items: Type.Array(
    Type.Object({
      product_id: Type.Integer(),
      name: Type.String({ description: 'The name on the product’s latest order line.' }),
      units: Type.Integer(),
      revenue_cents: Cents,
    }),
    { description: 'Best sellers of orders that stand: most units first, then most revenue, then product id.' },
  ),
});

export const CustomersQuery = Type.Object(range);

export const Customers = Type.Object({
  new_customers: Type.Integer({ description: 'Customers whose first order (not cancelled) is in the range.' }),
  returning_customers: Type.Integer({
    description: 'Customers with an order in the range whose first order (not cancelled) is before it.',
  }),
});

export const AlsoBoughtQuery = Type.Object({
  product_id: Type.Integer({ minimum: 1, maximum: MAX_ID }),
  limit: Limit,
});

export const AlsoBought = Type.Object({
  items: Type.Array(
    Type.Object({
      product_id: Type.Integer(),
      name: Type.String(),
      score: Type.Number({
        minimum: 0,
        maximum: 1,
        description: 'The share of the product’s orders (not cancelled) that also hold this one.',
      }),
    }),
    { description: 'Best first.' },
  ),
});

export const RefreshResult = Type.Object({
  applied_events: Type.Integer({ description: 'Events the rollups took in while the request waited.' }),
  watermark: Type.Integer({ description: 'The sequence of the last event in the rollups.' }),
});

export const EtlStatus = Type.Object({
  events: Type.Integer({ description: 'Events in the log.' }),
  watermark: Type.Integer({ description: 'The sequence of the last event in the rollups.' }),
  last_run_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'When the rollups last took in events; null before the first time.',
  }),
  pending_events: Type.Integer({ description: 'Events logged and not yet in the rollups.' }),
});
