import type { HttpApp } from '@shop/platform';
import type { OrderContext } from '../context.ts';
import { listOrders, moveStatus } from '../domain/manage-orders.ts';
import { toView } from '../domain/order.ts';
import { orderCursor } from './order-cursor.ts';
import { AdminOrderListQuery, IdParams, Order, OrderPage, Problem, StatusBody, security } from './schemas.ts';

const tags = ['orders (admin)'];
const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem };

export function adminOrderRoutes(app: HttpApp, ctx: OrderContext): void {
  app.get(
    '/api/admin/orders',
    {
      schema: {
        tags,
        security,
        summary: 'All orders',
        querystring: AdminOrderListQuery,
        response: { 200: OrderPage, ...errors },
      },
      onRequest: ctx.auth.require('order:read-all'),
    },
    async (request) => {
      const { user_id, sort = '-date', status, min_total_cents, max_total_cents, limit, cursor } = request.query;
      const page = await listOrders(
        {
          userId: user_id,
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

  app.patch(
    '/api/admin/orders/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Move an order forward: confirmed → shipped → delivered',
        params: IdParams,
        body: StatusBody,
        response: { 200: Order, 409: Problem, ...errors },
      },
      onRequest: ctx.auth.require('order:write'),
    },
    async (request) => toView(await moveStatus(request.params.id, request.body.status, ctx.manage)),
  );
}
