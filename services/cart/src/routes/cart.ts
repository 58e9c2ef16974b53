import type { HttpApp } from '@shop/platform';
import type { CartContext } from '../context.ts';
import { toView } from '../domain/cart.ts';
import { clearCart, removeItem, setItem } from '../domain/change-cart.ts';
import { viewCart } from '../domain/view-cart.ts';
import { cartOwner } from './caller.ts';
import { Cart, ItemParams, Problem, QuantityBody, security } from './schemas.ts';

const tags = ['cart'];
/** 503: the product service (prices) or the cart store cannot answer now; see Retry-After. */
const errors = { 400: Problem, 401: Problem, 403: Problem, 503: Problem };

export function cartRoutes(app: HttpApp, ctx: CartContext): void {
  app.get(
    '/api/cart',
    {
      schema: {
        tags,
        security,
        summary: 'Your cart at today’s prices; products no longer sold leave it, with a note',
        response: { 200: Cart, ...errors },
      },
      onRequest: ctx.auth.require('cart:write'),
    },
    async (request) => toView(await viewCart(cartOwner(request.principal), ctx.cart)),
  );

  app.put(
    '/api/cart/items/:product_id',
    {
      schema: {
        tags,
        security,
        summary: 'Set how many of a product the cart holds (sets, does not add)',
        params: ItemParams,
        body: QuantityBody,
        response: { 200: Cart, 422: Problem, ...errors },
      },
      onRequest: ctx.auth.require('cart:write'),
    },
    async (request) => {
      const userId = cartOwner(request.principal);
      return toView(await setItem(userId, request.params.product_id, request.body.quantity, ctx.cart));
    },
  );

  app.delete(
    '/api/cart/items/:product_id',
    {
      schema: {
        tags,
        security,
        summary: 'Take a product out of the cart (also when it was not in it)',
        params: ItemParams,
        response: { 200: Cart, ...errors },
      },
      onRequest: ctx.auth.require('cart:write'),
    },
    async (request) => toView(await removeItem(cartOwner(request.principal), request.params.product_id, ctx.cart)),
  );

  app.delete(
    '/api/cart',
    {
      schema: {
        tags,
        security,
        summary: 'Empty the cart',
        response: { 204: { type: 'null' }, ...errors },
      },
      onRequest: ctx.auth.require('cart:write'),
    },
    async (request, reply) => {
      await clearCart(cartOwner(request.principal), ctx.cart);
      return reply.code(204).send(null);
    },
  );
}
