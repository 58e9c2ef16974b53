import { type HttpApp, idCursor, PageQuery } from '@shop/platform';
import { Type } from 'typebox';
import type { ProductContext } from '../context.ts';
import { createCategory } from '../domain/catalog.ts';
import { Category, CategoryBody, CategoryPage, Problem, security } from './schemas.ts';

const tags = ['categories'];

export function categoryRoutes(app: HttpApp, ctx: ProductContext): void {
  app.get(
    '/api/categories',
    {
      schema: {
        tags,
        summary: 'List categories',
        querystring: Type.Object(PageQuery),
        response: { 200: CategoryPage, 400: Problem },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const after = cursor ? idCursor.decode(cursor) : undefined;
      const page = await ctx.catalog.categories.list(after, limit);
      return { items: page.items, next_cursor: page.nextAfterId ? idCursor.encode(page.nextAfterId) : null };
    },
  );

  app.post(
    '/api/categories',
    {
      schema: {
        tags,
        security,
        summary: 'Create a category',
        body: CategoryBody,
        response: { 201: Category, 400: Problem, 401: Problem, 403: Problem, 409: Problem, 422: Problem },
      },
      onRequest: ctx.auth.require('product:write'),
    },
    async (request, reply) => reply.code(201).send(await createCategory(request.body.name, ctx.catalog)),
  );
}
