import type { CartLine, CatalogProduct } from './ports.ts';

/** Quantities a customer may put on one line. */
export const MIN_QUANTITY = 1;
export const MAX_QUANTITY = 99;

export interface PricedLine {
  productId: number;
  name: string;
  unitPriceCents: number;
  quantity: number;
}

/** Something the customer should know about their cart, e.g. a line that was dropped. */
export interface CartNote {
  productId: number;
  message: string;
}

export interface PricedCart {
  lines: PricedLine[];
  totalCents: number;
  currency: string;
  notes: CartNote[];
}

export interface CartView {
  items: Array<{
    product_id: number;
    name: string;
    unit_price_cents: number;
    quantity: number;
    line_total_cents: number;
  }>;
  total_cents: number;
  currency: string;
  notes: Array<{ product_id: number; message: string }>;
}

/** The stored lines at today's prices, in their order; lines whose product is gone become notes. */
export function priceCart(
  lines: readonly CartLine[],
  products: ReadonlyMap<number, CatalogProduct>,
  currency: string,
): PricedCart {
  const priced: PricedLine[] = [];
  const notes: CartNote[] = [];
  for (const line of lines) {
    const product = products.get(line.productId);
    if (product) {
      priced.push({
        productId: line.productId,
        name: product.name,
        unitPriceCents: product.priceCents,
        quantity: line.quantity,
      });
    } else {
      notes.push(noLongerSold(line.productId));
    }
  }
  const totalCents = priced.reduce((sum, line) => sum + line.unitPriceCents * line.quantity, 0);
  return { lines: priced, totalCents, currency, notes };
}

export function noLongerSold(productId: number): CartNote {
  return { productId, message: `Product ${productId} is no longer sold and was removed from your cart.` };
}

/**
 * The items of an order as they come off a user's cart: one entry per product (a
 * product named twice counts with its total), positive quantities only.
 */
export function orderedQuantities(items: readonly CartLine[]): CartLine[] {
  const totals = new Map<number, number>();
  for (const item of items) {
    if (item.quantity > 0) totals.set(item.productId, (totals.get(item.productId) ?? 0) + item.quantity);
  }
  return [...totals].map(([productId, quantity]) => ({ productId, quantity }));
}

export function toView(cart: PricedCart): CartView {
  return {
    items: cart.lines.map((line) => ({
      product_id: line.productId,
      name: line.name,
      unit_price_cents: line.unitPriceCents,
      quantity: line.quantity,
      line_total_cents: line.unitPriceCents * line.quantity,
    })),
    total_cents: cart.totalCents,
    currency: cart.currency,
    notes: cart.notes.map((note) => ({ product_id: note.productId, message: note.message })),
  };
}
