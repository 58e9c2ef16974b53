import { createHash } from 'node:crypto';
import { EVENT_TYPES, type OrderCancelled, type OrderPlaced } from '@shop/contracts';
import { type CloudEvent, mulberry32, poisson, weightedIndex } from '@shop/platform';

/** A product the demo customers can buy: as the catalog lists it. */
export interface DemoProduct {
  id: number;
  name: string;
  price_cents: number;
}

export interface DemoHistoryOptions {
  products: readonly DemoProduct[];
  currency: string;
  /** Days of history, ending the day before `today`. */
  days: number;
  today: Date;
  /** The same seed gives the same history. */
  seed?: number;
}

/** Where the generated events say they come from, so they are never mistaken for real orders. */
export const DEMO_SOURCE = 'analytics/demo-history';

const DAY_MS = 86_400_000;
/** Ids of the generated customers start here, far above a demo shop's real accounts. */
const FIRST_CUSTOMER_ID = 900_000;
const CUSTOMERS = 400;
/** Ids of the generated orders start here, where a demo shop's real orders never reach. */
const FIRST_ORDER_ID = 1_900_000_000;
/** Monday first: weekends sell more. */
const WEEKDAY_WEIGHT = [1.35, 0.85, 0.9, 0.95, 1.0, 1.15, 1.4];
const CANCELLED_SHARE = 0.04;

/**
 * A few months of order history for a fresh demo shop, so its dashboard and forecasts have
 * something to show: `order.placed` events (and a few `order.cancelled`) with past times,
 * over the real catalog's products at their prices. Sales grow slowly, follow the week
 * (weekends busier), and favour some products over others (a few best sellers, a long tail);
 * customers come back. Deterministic: event ids are derived from the seed and the order.
 */
export function demoHistory(options: DemoHistoryOptions): CloudEvent[] {
  const random = mulberry32(options.seed ?? 20_260_101);
  const products = [...options.products].sort((a, b) => a.id - b.id);
  if (products.length === 0) return [];
  // Zipf-like popularity over a shuffled catalog: the best sellers are not simply the first ids.
  const ranked = shuffle(products, random);
  const weights = ranked.map((_, rank) => 1 / (rank + 1) ** 0.9);
  const pick = weighted(ranked, weights, random);
  const customerWeights = Array.from({ length: CUSTOMERS }, (_, index) => 1 / (index + 1) ** 0.6);
  const customerIds = Array.from({ length: CUSTOMERS }, (_, index) => FIRST_CUSTOMER_ID + index);
  const pickCustomer = weighted(customerIds, customerWeights, random);

  const events: CloudEvent[] = [];
  const firstDay = Date.UTC(
    options.today.getUTCFullYear(),
    options.today.getUTCMonth(),
    options.today.getUTCDate() - options.days,
  );
  let orderId = FIRST_ORDER_ID;
  for (let day = 0; day < options.days; day++) {
    const dayStart = firstDay + day * DAY_MS;
    const weekday = (new Date(dayStart).getUTCDay() + 6) % 7;
    const trend = 0.7 + (0.6 * day) / Math.max(1, options.days - 1);
    const expected = 24 * trend * (WEEKDAY_WEIGHT[weekday] ?? 1);
    const orders = poisson(expected, random);
    for (let n = 0; n < orders; n++) {
      orderId++;
      const time = new Date(dayStart + Math.floor(random() * DAY_MS));
      const lines = new Map<number, { product: DemoProduct; quantity: number }>();
      const lineCount = 1 + poisson(0.8, random);
      for (let l = 0; l < lineCount; l++) {
        const product = pick();
        const line = lines.get(product.id) ?? { product, quantity: 0 };
        line.quantity += 1 + (random() < 0.25 ? 1 : 0);
        lines.set(product.id, line);
      }
      const userId = pickCustomer();
      const items = [...lines.values()].map(({ product, quantity }) => ({
        product_id: product.id,
        name: product.name,
        unit_price_cents: product.price_cents,
        quantity,
        line_total_cents: product.price_cents * quantity,
      }));
      const email = `demo-customer-${userId}@example.com`;
      const placed: OrderPlaced = {
        order_id: orderId,
        user_id: userId,
        email,
        items,
        total_cents: items.reduce((sum, item) => sum + item.line_total_cents, 0),
        currency: options.currency,
        from_cart: false,
      };
      events.push(event(EVENT_TYPES.orderPlaced, time, placed, orderId));
      if (random() < CANCELLED_SHARE) {
        const cancelled: OrderCancelled = { order_id: orderId, user_id: userId, email, reason: 'customer' };
        events.push(event(EVENT_TYPES.orderCancelled, new Date(time.getTime() + 3_600_000), cancelled, orderId));
      }
    }
  }
  return events;
}

function event(type: string, time: Date, data: unknown, orderId: number): CloudEvent {
  return {
    specversion: '1.0',
    id: uuidFrom(`${DEMO_SOURCE}:${type}:${orderId}`),
    source: DEMO_SOURCE,
    type,
    time: time.toISOString(),
    datacontenttype: 'application/json',
    data,
  };
}

/** A stable UUID-shaped id for `text` (the same text, the same id: loading twice stores once). */
function uuidFrom(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

function weighted<T>(items: readonly T[], weights: readonly number[], random: () => number): () => T {
  const index = weightedIndex(weights, random);
  return () => items[index()] as T;
}
