import type { HttpApp } from '@shop/platform';
import { DomainError } from '@shop/platform/errors';
import { Type } from 'typebox';
import type { ProductContext } from '../context.ts';
import { readImage, uploadImage } from '../domain/images.ts';
import { toView } from '../domain/product.ts';
import { IdParams, Problem, Product, security } from './schemas.ts';

const tags = ['products'];
export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'];
export const IMAGE_LIMIT = 5 * 1024 * 1024;

export function imageRoutes(app: HttpApp, ctx: ProductContext): void {
  // Image bytes are read whole (at most 5 MiB) and checked against their declared type.
  app.addContentTypeParser(IMAGE_TYPES, { parseAs: 'buffer', bodyLimit: IMAGE_LIMIT }, (_request, body, done) =>
    done(null, body),
  );

  app.put(
    '/api/products/:id/image',
    {
      bodyLimit: IMAGE_LIMIT,
      schema: {
        tags,
        security,
        summary: 'Upload the product image (PNG, JPEG or WebP, at most 5 MiB)',
        consumes: IMAGE_TYPES,
        params: IdParams,
        response: { 200: Product, 400: Problem, 401: Problem, 403: Problem, 404: Problem, 413: Problem, 415: Problem },
      },
      onRequest: ctx.auth.require('product:write'),
    },
    async (request) => {
      const declaredType = request.headers['content-type'] ?? '';
      if (!Buffer.isBuffer(request.body)) {
        throw new DomainError('unsupported_media', `Send the image bytes as ${IMAGE_TYPES.join(', ')}.`);
      }
      const product = await uploadImage(request.params.id, { bytes: request.body, declaredType }, ctx.images);
      return toView(product, ctx.currency);
    },
  );

  app.get(
    '/api/products/:id/image',
    {
      schema: {
        tags,
        summary: 'The product image, with ETag; 304 for If-None-Match',
        params: IdParams,
        querystring: Type.Object({ v: Type.Optional(Type.String({ maxLength: 64 })) }),
        response: {
          200: Type.String({ format: 'binary', description: 'The image bytes' }),
          304: Type.Null(),
          400: Problem,
          404: Problem,
        },
      },
    },
    async (request, reply) => {
      const image = await readImage(request.params.id, ctx.images);
      const etag = `"${image.etag}"`;
      // A URL naming this version (?v=) never changes content: cache it for good.
      const versioned =
        request.query.v !== undefined && request.query.v.length >= 16 && image.etag.startsWith(request.query.v);
      reply
        .header('etag', etag)
        .header('cache-control', versioned ? 'public, max-age=31536000, immutable' : 'public, max-age=60')
        .header('x-content-type-options', 'nosniff');
      // No body at all: a 304 with a Content-Length would break the proxies in front.
      if (matches(request.headers['if-none-match'], etag)) return reply.code(304).send(undefined as unknown as null);
      return reply.type(image.contentType).send(image.bytes);
    },
  );
}

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === etag || tag === '*');
}
