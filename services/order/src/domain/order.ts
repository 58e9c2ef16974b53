import { DomainError } from '@shop/platform/errors';

export const ORDER_STATUSES = ['confirmed', 'shipped', 'delivered', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface OrderLine {
  productId: number;
  name: string;
  unitPriceCents: number;
  quantity: number;
}

export interface Order {
  id: number;
  userId: number;
  email: string;
  status: OrderStatus;
  lines: OrderLine[];
  totalCents: number;
  currency: string;
  reservationId: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface OrderView {
  id: number;
  user_id: number;
  status: OrderStatus;
  items: Array<{
    product_id: number;
    name: string;
    unit_price_cents: number;
    quantity: number;
    line_total_cents: number;
  }>;
  total_cents: number;
  currency: string;
  created_at: string;
  updated_at: string;
}

/** One line as the API and the order's events show it, with its total. */
export function lineView(line: OrderLine): OrderView['items'][number] {
  return {
    product_id: line.productId,
    name: line.name,
    unit_price_cents: line.unitPriceCents,
    quantity: line.quantity,
    line_total_cents: line.unitPriceCents * line.quantity,
  };
}

export function toView(order: Order): OrderView {
  return {
    id: order.id,
    user_id: order.userId,
    status: order.status,
    items: order.lines.map(lineView),
    total_cents: order.totalCents,
    currency: order.currency,
    created_at: order.createdAt.toISOString(),
    updated_at: order.updatedAt.toISOString(),
  };
}

export function totalOf(lines: readonly OrderLine[]): number {
  return lines.reduce((sum, line) => sum + line.unitPriceCents * line.quantity, 0);
}

/** The forward moves an admin makes; cancelling has its own rule (below). */
const FORWARD: Record<OrderStatus, OrderStatus | null> = {
  confirmed: 'shipped',
  shipped: 'delivered',
  delivered: null,
  cancelled: null,
};

/** Refuses any move but one step forward: confirmed → shipped → delivered. */
export function checkStatusMove(from: OrderStatus, to: 'shipped' | 'delivered'): void {
  if (FORWARD[from] !== to) {
    throw new DomainError('conflict', `An order that is ${from} cannot become ${to}.`);
  }
}

/**
 * Who may cancel when: the owner while the order is confirmed; an admin (order:write)
 * until it ships.
 */
export function checkCancel(order: Order, by: { isOwner: boolean; isAdmin: boolean }): void {
  if (order.status === 'confirmed' && (by.isOwner || by.isAdmin)) return;
  throw new DomainError('conflict', `An order that is ${order.status} cannot be cancelled.`);
}
