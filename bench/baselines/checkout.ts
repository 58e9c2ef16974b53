/**
 * Baseline for the `checkout` scenario: the least a server can do to take an order, the
 * one-transaction ceiling. Bare Fastify and a pg pool (10 connections); POST /api/orders
 * with the shop's body (`{"items": [{"product_id", "quantity"}]}`) runs one transaction:
 * a conditional stock UPDATE per line (`stock >= quantity`, so stock never goes below
 * zero), the order, its lines and an outbox row with the `order.placed` event. No
 * authentication (the customer is the `x-customer-id` header), validation, idempotency
 * key, reservation, logging or metrics, and nothing publishes the outbox.
 *
 * Its tables are made at start in the schema `ceiling` of DATABASE_URL, with PRODUCTS
 * products of STOCK each when the table is empty, shaped as the shop's own (product.products,
 * order.orders, order.order_lines, order.outbox) without the columns only the shop needs.
 */
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const products = Number(process.env.PRODUCTS ?? 200);
const stock = Number(process.env.STOCK ?? 1_000_000);

await pool.query(`
  create schema if not exists ceiling;
  create table if not exists ceiling.products (
    id integer primary key generated always as identity,
    name text not null,
    price_cents integer not null check (price_cents >= 0),
    stock integer not null check (stock >= 0),
    updated_at timestamptz not null default now()
  );
  create table if not exists ceiling.orders (
    id integer primary key generated always as identity,
    user_id integer not null,
    email text not null,
    status text not null,
    total_cents integer not null check (total_cents >= 0),
    currency text not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  );
  create index if not exists orders_user_created_idx on ceiling.orders (user_id, created_at, id);
  create index if not exists orders_created_idx on ceiling.orders (created_at, id);
  create table if not exists ceiling.order_lines (
    order_id integer not null references ceiling.orders (id) on delete cascade,
    product_id integer not null,
    name text not null,
    unit_price_cents integer not null,
    quantity integer not null,
    primary key (order_id, product_id)
  );
  create table if not exists ceiling.outbox (
    id bigserial primary key,
    event_id uuid not null unique,
    type text not null,
    event jsonb not null,
    created_at timestamptz not null default now(),
    published_at timestamptz
  );
`);
await pool.query(
  `insert into ceiling.products (name, price_cents, stock)
   select 'Bench item ' || i, 100 + i, $2 from generate_series(1, $1) as i
   where not exists (select 1 from ceiling.products)`,
  [products, stock],
);

const RESERVE = {
  name: 'ceiling_reserve',
  text: `update ceiling.products set stock = stock - $2, updated_at = now()
          where id = $1 and stock >= $2 returning name, price_cents`,
};
const INSERT_ORDER = {
  name: 'ceiling_order',
  text: `insert into ceiling.orders (user_id, email, status, total_cents, currency)
         values ($1, $2, 'confirmed', $3, 'EUR') returning id, created_at`,
};
const INSERT_LINES = {
  name: 'ceiling_lines',
  text: `insert into ceiling.order_lines (order_id, product_id, name, unit_price_cents, quantity)
         select $1, * from unnest($2::int[], $3::text[], $4::int[], $5::int[])`,
};
const INSERT_OUTBOX = {
  name: 'ceiling_outbox',
  text: 'insert into ceiling.outbox (event_id, type, event) values ($1, $2, $3)',
};

interface Line {
  product_id: number;
  quantity: number;
}

const app = Fastify({ logger: false });

app.post('/api/orders', async (request, reply) => {
  const userId = Number(request.headers['x-customer-id'] ?? 1);
  // Rows locked in one order whatever the request's: two orders never wait on each other in a cycle.
  const items = [...(request.body as { items: Line[] }).items].sort((a, b) => a.product_id - b.product_id);
  const client = await pool.connect();
  try {
    await client.query('begin');
    const lines: Array<Line & { name: string; unit_price_cents: number }> = [];
    for (const item of items) {
      const { rows } = await client.query({ ...RESERVE, values: [item.product_id, item.quantity] });
      const row = rows[0] as { name: string; price_cents: number } | undefined;
      if (!row) {
        await client.query('rollback');
        return reply.code(409).send({ error: 'out of stock', product_id: item.product_id });
      }
      lines.push({ ...item, name: row.name, unit_price_cents: row.price_cents });
    }
    const total = lines.reduce((sum, line) => sum + line.unit_price_cents * line.quantity, 0);
    const email = `customer-${userId}@example.com`;
    const { rows } = await client.query({ ...INSERT_ORDER, values: [userId, email, total] });
    const order = rows[0] as { id: number; created_at: Date };
    await client.query({
      ...INSERT_LINES,
      values: [
        order.id,
        lines.map((line) => line.product_id),
        lines.map((line) => line.name),
        lines.map((line) => line.unit_price_cents),
        lines.map((line) => line.quantity),
      ],
    });
    const eventId = randomUUID();
    const event = {
      id: eventId,
      type: 'order.placed',
      occurred_at: order.created_at.toISOString(),
      data: { order_id: order.id, user_id: userId, email, total_cents: total, currency: 'EUR', lines },
    };
    await client.query({ ...INSERT_OUTBOX, values: [eventId, 'order.placed', event] });
    await client.query('commit');
    return reply.code(201).send({ id: order.id, status: 'confirmed', total_cents: total, currency: 'EUR', lines });
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
});

app.get('/health/live', async () => ({ status: 'ok' }));

await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
console.log('ready');
