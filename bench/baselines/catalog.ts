/**
 * Baseline for the `catalog` scenario: the least a server can do for the product
 * service's four read paths: bare Fastify and a pg pool (10 connections, as the
 * service's) running the very SQL the service's Drizzle queries emit, byte for byte,
 * with the same parameters. No validation, view mapping, cursor, logging or metrics:
 * the rows go out as JSON. Every query is a named prepared statement, as in the service
 * (PgProductStore's `product_by_id` and its `product_list_<shape>` statements).
 *
 * Only the query shapes the benchmark sends are understood: the newest first page,
 * one category sorted by price, a search by relevance.
 */
import Fastify from 'fastify';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const app = Fastify({ logger: false });

const COLUMNS =
  '"id", "name", "description", "price_cents", "stock", "category_id", "image_key", "image_etag", "archived_at", "created_at", "updated_at"';
const P = '"product"."products"';

const NEWEST = `select ${COLUMNS}, (${P}."created_at")::text from ${P} where ${P}."archived_at" is null order by ${P}."created_at" desc, ${P}."id" desc limit $1`;
const CATEGORY_BY_PRICE = `select ${COLUMNS}, (${P}."price_cents")::text from ${P} where (${P}."archived_at" is null and ${P}."category_id" = any($1::int[])) order by ${P}."price_cents" asc, ${P}."id" asc limit $2`;
const SEARCH = `select ${COLUMNS}, (ts_rank(${P}."search", websearch_to_tsquery('english', $1::text)))::text from ${P} where (${P}."archived_at" is null and ${P}."search" @@ websearch_to_tsquery('english', $2::text)) order by ts_rank(${P}."search", websearch_to_tsquery('english', $3::text)) desc, ${P}."id" desc limit $4`;
const BY_ID = `select ${COLUMNS} from ${P} where (${P}."id" = $1 and ${P}."archived_at" is null)`;

const LIMIT = 20;

app.get('/api/products', async (request) => {
  const { q, category } = request.query as { q?: string; category?: string };
  // One row more than the page, as the service fetches to know whether a next page exists.
  const { rows } = q
    ? await pool.query({ name: 'product_list_relevance_t', text: SEARCH, values: [q, q, q, LIMIT + 1] })
    : category
      ? await pool.query({
          name: 'product_list_price_c',
          text: CATEGORY_BY_PRICE,
          values: [`{${Number(category)}}`, LIMIT + 1],
        })
      : await pool.query({ name: 'product_list_newest_', text: NEWEST, values: [LIMIT + 1] });
  return { items: rows.slice(0, LIMIT) };
});

app.get('/api/products/:id', async (request, reply) => {
  const { id } = request.params as { id: string };
  const { rows } = await pool.query({ name: 'product_by_id', text: BY_ID, values: [Number(id)] });
  return rows[0] ?? reply.code(404).send();
});

await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
console.log('ready');
