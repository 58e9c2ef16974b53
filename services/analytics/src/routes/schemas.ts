import { Type } from 'typebox';
import { FIRST_DAY, LAST_DAY } from '../domain/calendar.ts';
import { MAX_RANGE_DAYS } from '../domain/day-range.ts';
import { FORECAST_HORIZON_DAYS } from '../domain/forecasts.ts';

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

export const ForecastQuery = Type.Object({
  product_id: Type.Integer({ minimum: 1, maximum: MAX_ID }),
});

const Units = (description: string) => Type.Number({ minimum: 0, description });

export const Forecast = Type.Object({
  product_id: Type.Integer(),
  horizon_days: Type.Integer({ description: 'Days the forecast covers, from made_on.' }),
  method: Type.Union([Type.Literal('mstl_ets'), Type.Literal('seasonal_average')], {
    description:
      'mstl_ets: MSTL with a weekly season and an AutoETS trend, for a product with two weeks of sales or more; seasonal_average: each weekday’s average over the last four weeks, for a shorter history.',
  }),
  backtest_wape: Type.Union([Type.Number({ minimum: 0 }), Type.Null()], {
    description:
      'The method’s weighted absolute percentage error (sum of |actual − forecast| / sum of actual) on the last 14 days of the history, fitted without them; null when the history is too short to hold them back or they sold nothing.',
  }),
  made_on: Type.String({ format: 'date', description: 'The UTC day the forecast was made from the sales before it.' }),
  points: Type.Array(
    Type.Object({
      date: Type.String({ format: 'date' }),
      units: Units('Units expected to sell that day, to the hundredth.'),
      lower: Units('Lower end of the 80 % interval.'),
      upper: Units('Upper end of the 80 % interval.'),
    }),
    { description: 'One per day from made_on on, in date order.' },
  ),
});

export const StockOutsQuery = Type.Object({
  days: Type.Integer({
    minimum: 1,
    maximum: FORECAST_HORIZON_DAYS,
    default: 7,
    description: 'The days ahead to look at, today first.',
  }),
});

export const StockOuts = Type.Object({
  days: Type.Integer(),
  items: Type.Array(
    Type.Object({
      product_id: Type.Integer(),
      name: Type.String({ description: 'The product’s name in the catalog now.' }),
      stock: Type.Integer({ description: 'The catalog’s stock now.' }),
      forecast_units: Units('Forecast units over the days, added up.'),
      lower_units: Units('The days’ lower interval ends, added up.'),
      upper_units: Units('The days’ upper interval ends, added up.'),
      days_of_stock: Type.Integer({
        minimum: 0,
        description: 'The first day (0: today) by whose end the forecast demand, added up, is more than the stock.',
      }),
    }),
    {
      description:
        'The products whose forecast demand over the days is more than their stock, most urgent first: fewest days of stock, then the biggest shortfall, then product id. Archived products are left out.',
    },
  ),
});
