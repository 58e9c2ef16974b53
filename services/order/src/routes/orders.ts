import { type HttpApp, registerCounter } from '@shop/platform';
import type { OrderContext } from '../context.ts';
import { cancelOrder, getOrder, listOrders } from '../domain/manage-orders.ts';
import { toView } from '../domain/order.ts';
import { placeOrder } from '../domain/place-order.ts';
import { callerOf } from './caller.ts';
import { orderCursor } from './order-cursor.ts';
import {
  IdempotencyHeaders,
  IdParams,
  Order,
  OrderListQuery,
  OrderPage,
  PlaceOrderBody,
  Problem,
  security,
} from './schemas.ts';

const tags = ['orders'];
const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem };

export function orderRoutes(app: HttpApp, ctx: OrderContext): void {
  const ordersPlaced = registerCounter(app.metrics, {
    name: 'orders_placed_total',
    help: 'Orders placed (a request replayed with the same Idempotency-Key is not counted again)',
  });

  app.post(
    '/api/orders',
    {
      schema: {
        tags,
        security,
        summary: 'Place an order (the checkout saga); retries with the same Idempotency-Key never order twice',
        headers: IdempotencyHeaders,
        body: PlaceOrderBody,
        response: { 200: Order, 201: Order, 409: Problem, 422: Problem, 503: Problem, ...errors },
      },
      onRequest: ctx.auth.require('order:create'),
    },
    async (request, reply) => {
      const caller = callerOf(request.principal);
      const { items, from_cart: fromCart } = request.body;
      const { order, replayed } = await placeOrder(
        {
          user: { id: caller.userId, email: caller.email, token: caller.token },
          idempotencyKey: request.headers['idempotency-key'],
          body: fromCart
            ? { fromCart: true }
            : { items: (items ?? []).map((i) => ({ productId: i.product_id, quantity: i.quantity })) },
        },
        ctx.placeOrder,
      );
      if (!replayed) ordersPlaced.inc();
      return reply.code(replayed ? 200 : 201).send(toView(order));
    },
  );

  app.get(
    '/api/orders',
    {
      schema: {
        tags,
        security,
        summary: 'Your orders',
        querystring: OrderListQuery,
        response: { 200: OrderPage, ...errors },
      },
      onRequest: ctx.auth.require('order:read'),
    },
    async (request) => {
      const caller = callerOf(request.principal);
      const { sort = '-date', status, min_total_cents, max_total_cents, limit, cursor } = request.query;
      const page = await listOrders(
        {
          userId: caller.userId,
          status,
          minTotalCents: min_total_cents,
          maxTotalCents: max_total_cents,
          sort,
          after: cursor ? orderCursor.decode(cursor, sort) : undefined,
          limit,
        },
        ctx.manage,
      );
      return { items: page.items.map(toView), next_cursor: page.next ? orderCursor.encode(sort, page.next) : null };
    },
  );

  app.get(
    '/api/orders/:id',
    {
      schema: {
        tags,
        security,
        summary: 'One of your orders, with its lines',
        params: IdParams,
        response: { 200: Order, ...errors },
      },
      onRequest: ctx.auth.require('order:read'),
    },
    async (request) => toView(await getOrder(request.params.id, callerOf(request.principal), ctx.manage)),
  );

  app.post(
    '/api/orders/:id/cancel',
    {
      schema: {
        tags,
        security,
        summary: 'Cancel: the owner while confirmed, an admin until shipped; the stock returns',
        params: IdParams,
        response: { 200: Order, 409: Problem, ...errors },
      },
      onRequest: ctx.auth.requireAny('order:read', 'order:write'),
    },
    async (request) => toView(await cancelOrder(request.params.id, callerOf(request.principal), ctx.manage)),
  );
}
