import type { OrderCancelled, OrderPlaced } from '@shop/contracts';
import { utcDay } from './calendar.ts';

/** A logged event as the ETL reads it: an order event whose data met its contract, or one it passes over. */
export type DecodedEvent = { sequence: number; id: string } & (
  | { kind: 'order_placed'; time: Date; data: OrderPlaced }
  | { kind: 'order_cancelled'; time: Date; data: OrderCancelled }
  /** A type no rollup reads (yet): it stays in the log. */
  | { kind: 'other' }
  | { kind: 'malformed'; type: string; errors: string[] }
);

export interface OrderLineFact {
  productId: number;
  name: string;
  quantity: number;
  revenueCents: number;
}

export interface OrderFact {
  orderId: number;
  userId: number;
  placedAt: Date;
  /** The UTC day the order counts on, YYYY-MM-DD. */
  placedOn: string;
  currency: string;
  units: number;
  revenueCents: number;
  /** One per product. */
  lines: OrderLineFact[];
}

export interface CancellationFact {
  orderId: number;
  cancelledAt: Date;
}

/** An order event the rollups cannot take: logged by the job, left in the log. */
export interface SkippedEvent {
  sequence: number;
  id: string;
  type: string;
  errors: string[];
}

/** What a batch of events adds to the facts. */
export interface EtlFacts {
  orders: OrderFact[];
  cancellations: CancellationFact[];
  skipped: SkippedEvent[];
}

/** The largest id, quantity or count a rollup column holds (PostgreSQL integer). */
const MAX_INT = 2_147_483_647;

/**
 * Turns a batch of events into facts. An order placed (or cancelled) twice in the batch
 * keeps its first event, as the store keeps the first it was given across batches. An
 * order whose figures a rollup cannot hold is skipped, not stored: stored, it would stop
 * every later step.
 */
export function factsFromEvents(events: readonly DecodedEvent[]): EtlFacts {
  const orders = new Map<number, OrderFact>();
  const cancellations = new Map<number, CancellationFact>();
  const skipped: SkippedEvent[] = [];
  for (const event of events) {
    if (event.kind === 'malformed') {
      skipped.push({ sequence: event.sequence, id: event.id, type: event.type, errors: event.errors });
    } else if (event.kind === 'order_placed') {
      const fact = orderFact(event.data, event.time);
      if (typeof fact === 'string') {
        skipped.push({ sequence: event.sequence, id: event.id, type: 'order.placed', errors: [fact] });
      } else if (!orders.has(fact.orderId)) orders.set(fact.orderId, fact);
    } else if (event.kind === 'order_cancelled') {
      const orderId = event.data.order_id;
      if (orderId > MAX_INT) {
        const errors = ['order_id out of range'];
        skipped.push({ sequence: event.sequence, id: event.id, type: 'order.cancelled', errors });
      } else if (!cancellations.has(orderId)) cancellations.set(orderId, { orderId, cancelledAt: event.time });
    }
  }
  return { orders: [...orders.values()], cancellations: [...cancellations.values()], skipped };
}

/** The order's fact, or what makes it one the rollups cannot hold. */
function orderFact(order: OrderPlaced, placedAt: Date): OrderFact | string {
  if (order.order_id > MAX_INT || order.user_id > MAX_INT) return 'order_id or user_id out of range';
  if (!Number.isSafeInteger(order.total_cents)) return 'total_cents out of range';
  const lines = new Map<number, OrderLineFact>();
  for (const item of order.items) {
    if (item.product_id > MAX_INT) return 'product_id out of range';
    const line = lines.get(item.product_id);
    const quantity = (line?.quantity ?? 0) + item.quantity;
    const revenueCents = (line?.revenueCents ?? 0) + item.line_total_cents;
    if (quantity > MAX_INT) return 'quantity out of range';
    if (!Number.isSafeInteger(revenueCents)) return 'line_total_cents out of range';
    // Two lines of one product: added together, under the last line's name.
    lines.set(item.product_id, { productId: item.product_id, name: item.name, quantity, revenueCents });
  }
  const units = [...lines.values()].reduce((sum, line) => sum + line.quantity, 0);
  return {
    orderId: order.order_id,
    userId: order.user_id,
    placedAt,
    placedOn: utcDay(placedAt),
    currency: order.currency,
    units,
    revenueCents: order.total_cents,
    lines: [...lines.values()],
  };
}
