import type { HttpApp } from '@shop/platform';
import { invalidInput } from '@shop/platform/errors';
import type { ProductContext } from '../context.ts';
import {
  adjustStock,
  archiveProduct,
  createProduct,
  getProduct,
  listProducts,
  updateProduct,
} from '../domain/catalog.ts';
import { effectiveSort, type ProductQuery } from '../domain/listing.ts';
import { toView } from '../domain/product.ts';
import { productCursor } from './product-cursor.ts';
import {
  CreateProductBody,
  IdParams,
  MAX_ID,
  Problem,
  Product,
  ProductListQuery,
  ProductPage,
  StockBody,
  security,
  UpdateProductBody,
} from './schemas.ts';

const tags = ['products'];
const writeErrors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem, 422: Problem };

export function productRoutes(app: HttpApp, ctx: ProductContext): void {
  const view = (product: Parameters<typeof toView>[0]) => toView(product, ctx.currency);

  app.get(
    '/api/products',
    {
      schema: {
        tags,
        summary: 'Browse and search the catalog (cursor-paginated)',
        querystring: ProductListQuery,
        response: { 200: ProductPage, 400: Problem },
      },
    },
    async (request) => {
      const { category, min_price_cents, max_price_cents, q, in_stock, limit, cursor } = request.query;
      const text = q?.trim() || undefined;
      const sort = effectiveSort(request.query.sort, text);
      if (sort === 'relevance' && !text) {
        throw invalidInput('sort=relevance ranks search results: give q too.', {
          errors: [{ field: 'sort', message: 'relevance needs q' }],
        });
      }
      const categoryIds = category?.split(',').map(Number);
      if (categoryIds?.some((id) => id > MAX_ID)) {
        throw invalidInput(`A category id is at most ${MAX_ID}.`, {
          errors: [{ field: 'category', message: `each id must be at most ${MAX_ID}` }],
        });
      }
      const query: ProductQuery = {
        categoryIds,
        minPriceCents: min_price_cents,
        maxPriceCents: max_price_cents,
        text,
        inStock: in_stock === true,
        sort,
        after: cursor ? productCursor.decode(cursor, sort) : undefined,
        limit,
      };
      const page = await listProducts(query, ctx.catalog);
      return {
        items: page.items.map(view),
        next_cursor: page.next
          ? productCursor.encode(sort, { value: String(page.next.value), id: page.next.id })
          : null,
      };
    },
  );

  app.get(
    '/api/products/:id',
    {
      schema: {
        tags,
        summary: 'One product',
        params: IdParams,
        response: { 200: Product, 400: Problem, 404: Problem },
      },
    },
    async (request) => view(await getProduct(request.params.id, ctx.catalog)),
  );

  app.post(
    '/api/products',
    {
      schema: {
        tags,
        security,
        summary: 'Create a product',
        body: CreateProductBody,
        response: { 201: Product, ...writeErrors },
      },
      onRequest: ctx.auth.require('product:write'),
    },
    async (request, reply) => {
      const { name, description, price_cents, stock, category_id } = request.body;
      const product = await createProduct(
        { name, description, priceCents: price_cents, stock, categoryId: category_id },
        ctx.catalog,
      );
      return reply.code(201).send(view(product));
    },
  );

  app.patch(
    '/api/products/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Change any of a product’s fields',
        params: IdParams,
        body: UpdateProductBody,
        response: { 200: Product, ...writeErrors },
      },
      onRequest: ctx.auth.require('product:write'),
    },
    async (request) => {
      const { name, description, price_cents, stock, category_id } = request.body;
      const changes = { name, description, priceCents: price_cents, stock, categoryId: category_id };
      const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
      return view(await updateProduct(request.params.id, defined, ctx.catalog));
    },
  );

  app.delete(
    '/api/products/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Archive a product (past orders keep it)',
        params: IdParams,
        response: { 204: { type: 'null' }, ...writeErrors },
      },
      onRequest: ctx.auth.require('product:write'),
    },
    async (request, reply) => {
      await archiveProduct(request.params.id, ctx.catalog);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/products/:id/stock',
    {
      schema: {
        tags,
        security,
        summary: 'Adjust stock by a delta; never below zero (409)',
        params: IdParams,
        body: StockBody,
        response: { 200: Product, 409: Problem, ...writeErrors },
      },
      onRequest: ctx.auth.require('inventory:write'),
    },
    async (request) => view(await adjustStock(request.params.id, request.body.delta, ctx.catalog)),
  );
}
