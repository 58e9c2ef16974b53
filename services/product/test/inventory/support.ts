import { type Db, type HttpApp, mulberry32 } from '@shop/platform';
import { eq, inArray, sql } from 'drizzle-orm';
import { products } from '../../src/db/schema.ts';
import { bearer } from '../helpers.ts';

/** Inserts a product straight into the table (no HTTP, no outbox) and returns its id. */
export async function insertProduct(
  db: Db,
  product: { name?: string; priceCents?: number; stock: number; categoryId: number; archived?: boolean },
): Promise<number> {
  const [row] = await db
    .insert(products)
    .values({
      name: product.name ?? 'Thing',
      priceCents: product.priceCents ?? 100,
      stock: product.stock,
      categoryId: product.categoryId,
      archivedAt: product.archived ? new Date() : null,
    })
    .returning({ id: products.id });
  if (!row) throw new Error('insert returned no row');
  return row.id;
}

/** The stock as the table holds it right now. */
export async function stockOf(db: Db, id: number): Promise<number> {
  const [row] = await db.select({ stock: products.stock }).from(products).where(eq(products.id, id));
  if (!row) throw new Error(`no product ${id}`);
  return row.stock;
}

export async function stocksOf(db: Db, ids: number[]): Promise<Map<number, number>> {
  const rows = await db
    .select({ id: products.id, stock: products.stock })
    .from(products)
    .where(inArray(products.id, ids));
  return new Map(rows.map((row) => [row.id, row.stock]));
}

export interface ReservationBodyView {
  reservation_id: string;
  order_ref: string;
  status: string;
  expires_at: string;
  lines: Array<{ product_id: number; name: string; unit_price_cents: number; quantity: number }>;
}

/** POST /internal/reservations as the order service. */
export function reserveOverHttp(
  app: HttpApp,
  token: string,
  orderRef: string,
  items: Array<{ product_id: number; quantity: number }>,
) {
  return app.inject({
    method: 'POST',
    url: '/internal/reservations',
    headers: bearer(token),
    payload: { order_ref: orderRef, items },
  });
}

export function releaseOverHttp(app: HttpApp, token: string, id: string) {
  return app.inject({ method: 'DELETE', url: `/internal/reservations/${id}`, headers: bearer(token) });
}

export function commitOverHttp(app: HttpApp, token: string, id: string) {
  return app.inject({ method: 'POST', url: `/internal/reservations/${id}/commit`, headers: bearer(token) });
}

export function getReservationOverHttp(app: HttpApp, token: string, id: string) {
  return app.inject({ method: 'GET', url: `/internal/reservations/${id}`, headers: bearer(token) });
}

/** A small deterministic PRNG, so a failing run can be replayed from its seed. */
export const seededRandom = mulberry32;

/**
 * Makes `count` held reservations of one unit of `productId` each, due at `expiresAt`, and
 * takes their stock: what `count` successful reserves would leave, in three statements.
 * Their order refs are `${prefix}${n}`.
 */
export async function insertHeldReservations(
  db: Db,
  options: { prefix: string; count: number; productId: number; expiresAt: Date },
): Promise<void> {
  const { prefix, count, productId, expiresAt } = options;
  await db.execute(sql`
    with made as (
      insert into product.reservations (id, order_ref, status, expires_at)
      select gen_random_uuid(), ${prefix} || n, 'held', ${expiresAt.toISOString()}::timestamptz
      from generate_series(0, ${count - 1}::int) as n
      returning id
    )
    insert into product.reservation_lines (reservation_id, product_id, quantity, name, unit_price_cents)
    select id, ${productId}::int, 1, 'Thing', 100 from made`);
  await db.execute(sql`update product.products set stock = stock - ${count}::int where id = ${productId}::int`);
}
