import { type PricedCart, priceCart } from './cart.ts';
import type { CartLine, CartStore, CatalogProduct, ProductCatalog } from './ports.ts';

export interface ManageCartDeps {
  carts: CartStore;
  products: ProductCatalog;
  currency: string;
  /** Most distinct products one cart may hold. */
  maxLines: number;
}

/**
 * A user's cart at today's prices. A product the catalog no longer sells leaves the
 * cart for good, with a note in this answer; a catalog that cannot answer fails the read
 * (503) and leaves every line in place.
 */
export async function viewCart(userId: number, deps: ManageCartDeps): Promise<PricedCart> {
  const lines = await deps.carts.lines(userId); // 1. the stored lines, oldest first
  const products = await lookUp(lines, deps.products); // 2. today's names and prices, in parallel
  const gone = lines.filter((line) => !products.has(line.productId)).map((line) => line.productId);
  if (gone.length > 0) await deps.carts.remove(userId, gone); // 3. drop what is no longer sold
  return priceCart(lines, products, deps.currency); // 4. lines, total and notes
}

/** The products of these lines that are sold today; one failed lookup fails them all. */
async function lookUp(lines: readonly CartLine[], catalog: ProductCatalog): Promise<Map<number, CatalogProduct>> {
  const found = await Promise.all(lines.map((line) => catalog.find(line.productId)));
  const products = new Map<number, CatalogProduct>();
  for (const product of found) if (product) products.set(product.id, product);
  return products;
}
