import { invalidInput, ruleViolation } from '@shop/platform/errors';
import { MAX_QUANTITY, MIN_QUANTITY } from './cart.ts';

export const unknownProduct = (productId: number) =>
  ruleViolation(`Product ${productId} is not sold: it does not exist or was archived.`, {
    errors: [{ field: 'product_id', message: 'is not a product on sale' }],
  });

export const cartFull = (maxLines: number) =>
  ruleViolation(`A cart holds at most ${maxLines} different products; remove one first.`, {
    errors: [{ field: 'product_id', message: `the cart already holds ${maxLines} products` }],
  });

export const badQuantity = () =>
  invalidInput(`A quantity is a whole number from ${MIN_QUANTITY} to ${MAX_QUANTITY}.`, {
    errors: [{ field: 'quantity', message: `must be ${MIN_QUANTITY} to ${MAX_QUANTITY}` }],
  });
