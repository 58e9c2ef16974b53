/** At or below this many units a product is running low: customers are told how many are left, the admin is warned. */
const LOW_STOCK = 5;

export type StockLevel = 'out' | 'low' | 'plenty';

/** How much of a product is left, as the shop's badges tell it. */
export function stockLevel(stock: number): StockLevel {
  if (stock <= 0) return 'out';
  return stock <= LOW_STOCK ? 'low' : 'plenty';
}
