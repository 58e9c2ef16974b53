import type { DailySales, ProductDayUnits, ProductSales } from '../domain/ports.ts';

/** A number as a driver gives it back: 64-bit integers and sums arrive as text or bigint. */
export type Count = string | number | bigint;

/** A day of daily sales as every store's SQL names its columns. */
export interface DailySalesRow {
  day: string;
  orders: Count;
  units: Count;
  revenue_cents: Count;
  cancelled_orders: Count;
}

export function toDailySales(row: DailySalesRow): DailySales {
  return {
    day: row.day,
    orders: Number(row.orders),
    units: Number(row.units),
    revenueCents: Number(row.revenue_cents),
    cancelledOrders: Number(row.cancelled_orders),
  };
}

/** A product's sales over a range, as every store's SQL names its columns. */
export interface ProductSalesRow {
  product_id: Count;
  units: Count;
  revenue_cents: Count;
}

export function toProductSales(row: ProductSalesRow, name: string): ProductSales {
  return {
    productId: Number(row.product_id),
    name,
    units: Number(row.units),
    revenueCents: Number(row.revenue_cents),
  };
}

/** A product's units on a day, as every store's SQL names its columns. */
export interface ProductDayUnitsRow {
  product_id: Count;
  day: string;
  units: Count;
}

export function toProductDayUnits(row: ProductDayUnitsRow): ProductDayUnits {
  return { productId: Number(row.product_id), day: row.day, units: Number(row.units) };
}
