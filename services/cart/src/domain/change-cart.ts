import { MAX_QUANTITY, MIN_QUANTITY, type PricedCart } from './cart.ts';
import { badQuantity, cartFull, unknownProduct } from './errors.ts';
import { type ManageCartDeps, viewCart } from './view-cart.ts';

/**
 * Puts `quantity` of a product in the cart (replacing the quantity it had), then shows
 * the cart. Only products the catalog sells today go in; a cart holds at most
 * `maxLines` products.
 */
export async function setItem(
  userId: number,
  productId: number,
  quantity: number,
  deps: ManageCartDeps,
): Promise<PricedCart> {
  if (!Number.isInteger(quantity) || quantity < MIN_QUANTITY || quantity > MAX_QUANTITY) throw badQuantity();
  const product = await deps.products.find(productId); // 1. sold today?
  if (!product) throw unknownProduct(productId);
  const result = await deps.carts.setQuantity(userId, productId, quantity, deps.maxLines); // 2. store it
  if (result === 'cart_full') throw cartFull(deps.maxLines);
  return viewCart(userId, deps); // 3. the cart as it is now
}

/** Takes a product out of the cart (nothing to do when it is not there), then shows the cart. */
export async function removeItem(userId: number, productId: number, deps: ManageCartDeps): Promise<PricedCart> {
  await deps.carts.remove(userId, [productId]);
  return viewCart(userId, deps);
}

export async function clearCart(userId: number, deps: Pick<ManageCartDeps, 'carts'>): Promise<void> {
  await deps.carts.clear(userId);
}
