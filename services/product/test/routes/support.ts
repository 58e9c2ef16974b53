import { randomBytes } from 'node:crypto';
import type { HttpApp } from '@shop/platform';
import { sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { TestProduct } from '../helpers.ts';

/** A name no other test in the run uses: letters only, so full-text search keeps it one word. */
export function unique(prefix: string): string {
  const letters = [...randomBytes(8)].map((byte) => String.fromCharCode(97 + (byte % 26))).join('');
  return `${prefix} ${letters}`;
}

/** The JSON product as the API returns it. */
export interface ProductJson {
  id: number;
  name: string;
  description: string;
  price_cents: number;
  currency: string;
  stock: number;
  category_id: number;
  image_url: string | null;
  created_at: string;
  updated_at: string;
}

export const PRODUCT_FIELDS = [
  'category_id',
  'created_at',
  'currency',
  'description',
  'id',
  'image_url',
  'name',
  'price_cents',
  'stock',
  'updated_at',
];

export { expectProblem } from '@shop/platform/testing';

/** The ids of a list response, in order. */
export const ids = (response: LightMyRequestResponse): number[] =>
  response.json().items.map((item: { id: number }) => item.id);

/** A cursor as the service encodes them (base64url JSON), for tampering. */
export const encodeCursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
export const decodeCursor = (cursor: string) => JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));

/** GETs a product as the public sees it. */
export async function getProduct(app: HttpApp, id: number): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'GET', url: `/api/products/${id}` });
}

/** The current stock of an active product. */
export async function stockOf(app: HttpApp, id: number): Promise<number> {
  const response = await getProduct(app, id);
  expect(response.statusCode).toBe(200);
  return response.json().stock;
}

export interface OutboxRow {
  event_id: string;
  type: string;
  event: {
    specversion: string;
    id: string;
    source: string;
    type: string;
    time: string;
    datacontenttype: string;
    data: Record<string, unknown>;
  };
}

/** The outbox rows about one product, oldest first. */
export async function outboxFor(product: TestProduct, productId: number): Promise<OutboxRow[]> {
  const result = await product.database.db.execute(
    sql`select event_id, type, event from product.outbox
        where event->'data'->>'product_id' = ${String(productId)} order by id`,
  );
  return (result as unknown as { rows: OutboxRow[] }).rows;
}

/** How many outbox rows of `type` there are in all. */
export async function outboxCount(product: TestProduct, type: string): Promise<number> {
  const result = await product.database.db.execute(
    sql`select count(*)::int as n from product.outbox where type = ${type}`,
  );
  return Number((result as unknown as { rows: Array<{ n: number }> }).rows[0]?.n);
}

/**
 * A real baseline JPEG, 8×8 grey: every segment a decoder needs, one Huffman code for
 * "DC difference 0" and one for "end of block", then the single block's two bits.
 */
export function minimalJpeg(): Buffer {
  const soi = [0xff, 0xd8];
  const app0 = [
    0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
  ];
  const dqt = [0xff, 0xdb, 0x00, 0x43, 0x00, ...new Array<number>(64).fill(1)];
  const sof0 = [0xff, 0xc0, 0x00, 0x0b, 0x08, 0x00, 0x08, 0x00, 0x08, 0x01, 0x01, 0x11, 0x00];
  const oneCode = (tableClass: number) => [
    0xff,
    0xc4,
    0x00,
    0x14,
    tableClass,
    0x01,
    ...new Array<number>(15).fill(0),
    0x00,
  ];
  const sos = [0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00];
  const scan = [0x3f]; // DC "0", AC end-of-block "0", padded with ones
  const eoi = [0xff, 0xd9];
  return Buffer.from([...soi, ...app0, ...dqt, ...sof0, ...oneCode(0x00), ...oneCode(0x10), ...sos, ...scan, ...eoi]);
}

/** A 1×1 lossless WebP. */
export const minimalWebp = (): Buffer => Buffer.from('UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==', 'base64');
