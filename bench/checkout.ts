/**
 * `npm run bench -- checkout`: the checkout saga in server mode, the whole shop as one
 * process (apps/stack/src/main.ts) on PostgreSQL, RabbitMQ and Redis, every service
 * talking to the others over HTTP and the bus.
 *
 * - Ceiling: pgbench's TPC-B-like load (scale 10) on the same PostgreSQL, in a database
 *   of its own (shop_bench_pgbench), at 16 and 64 clients, measured first: the stack's
 *   pools would otherwise hold connections pgbench's 64 clients need.
 * - A fresh database shop_bench_checkout; the stack on free ports; 200 products with
 *   ample stock and 64 customers through the public APIs, then ANALYZE (ARCHITECTURE §8).
 * - Orders per second (2xx only) and latency of single- and three-line orders at 16 and
 *   64 clients; every request has its own Idempotency-Key, the next customer's token
 *   and the next products. E-mails catch up between rows, so no row pays for the last
 *   one's backlog.
 * - Order placed → confirmation e-mail sent (notification.emails.sent_at − order.orders.
 *   created_at) for every order of the load, and for a light phase of 8 clients.
 *
 * Settings: BENCH_DATABASE_URL (its server; default postgres://postgres@127.0.0.1:5432),
 * BENCH_AMQP_URL (default amqp://guest:guest@127.0.0.1:5672), BENCH_REDIS_URL (default
 * redis://127.0.0.1:6379), BENCH_DURATION seconds per row (default 20). Needs `pgbench`
 * on the PATH. RabbitMQ queues are named by consumer (`notification`, ...): another stack
 * on the same vhost (an e2e run, say) takes a share of the events, so give the bench a
 * vhost of its own there (amqp://guest:guest@127.0.0.1:5672/shop_bench).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import {
  analyze,
  dropDatabase,
  freePort,
  loadAverage,
  percentile,
  positive,
  post,
  type Report,
  type Row,
  recreateDatabase,
  runProcess,
  startProcess,
  stop,
  withClient,
  withDatabase,
} from './lib.ts';

const SERVER_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/shop_bench';
const DATABASE_URL = withDatabase(SERVER_URL, 'shop_bench_checkout');
const PGBENCH_URL = withDatabase(SERVER_URL, 'shop_bench_pgbench');
const AMQP_URL = process.env.BENCH_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

const ADMIN = { email: 'admin@example.com', password: 'bench-admin-password' };
const CUSTOMER_PASSWORD = 'bench-customer-password';
const PRODUCTS = 200;
const STOCK = 1_000_000;
const CUSTOMERS = 64;
const CLIENTS = [16, 64];
const LINES = [1, 3];
const PGBENCH_SCALE = 10;
/** The light phase: 8 clients held to a quarter of the 16-client single-line rate, so nothing queues. */
const LIGHT = { clients: 8, seconds: 10, share: 0.25 };
/** Access tokens live 15 minutes; log in again before a row when they are older than this. */
const TOKEN_REFRESH_MS = 10 * 60_000;
/** Waiting for e-mails gives up after this long without one more sent. */
const DRAIN_STALL_MS = 30_000;

interface Stack {
  account: string;
  product: string;
  order: string;
  notification: string;
}

export async function checkoutScenario(): Promise<Report> {
  const duration = positive('BENCH_DURATION', 20);
  const loadBefore = loadAverage();
  const step = (text: string) => console.log(`checkout: ${text}`);
  const logDir = mkdtempSync(join(tmpdir(), 'shop-bench-checkout-'));
  const stackLog = join(logDir, 'stack.log');
  let stack: Awaited<ReturnType<typeof startProcess>> | undefined;
  try {
    // 1. The ceiling, before the stack holds any connection.
    step(`pgbench -i -s ${PGBENCH_SCALE} into ${databaseName(PGBENCH_URL)}`);
    await recreateDatabase(PGBENCH_URL);
    const init = ['-i', '-q', '-s', String(PGBENCH_SCALE), databaseName(PGBENCH_URL)];
    await runProcess('pgbench', init, pgEnv(PGBENCH_URL), { capture: true });
    const ceilings = new Map<number, Row>();
    for (const clients of CLIENTS) {
      step(`pgbench -c ${clients} -j 2 -T ${duration}`);
      ceilings.set(clients, await pgbench(clients, duration, logDir));
    }
    await dropDatabase(PGBENCH_URL);

    // 2. A fresh database and the whole shop in one process.
    step('starting the stack (server mode) on a fresh shop_bench_checkout');
    await recreateDatabase(DATABASE_URL);
    const ports = {
      account: await freePort(),
      product: await freePort(),
      order: await freePort(),
      notification: await freePort(),
    };
    const urls: Stack = {
      account: `http://127.0.0.1:${ports.account}`,
      product: `http://127.0.0.1:${ports.product}`,
      order: `http://127.0.0.1:${ports.order}`,
      notification: `http://127.0.0.1:${ports.notification}`,
    };
    stack = await startProcess(
      process.execPath,
      ['--import', 'tsx', 'apps/stack/src/main.ts'],
      {
        DATABASE_URL,
        AMQP_URL,
        REDIS_URL,
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        DEMO_CATALOG: 'false',
        LOG_LEVEL: 'warn',
        SMTP_URL: '',
        ACCOUNT_PORT: String(ports.account),
        PRODUCT_PORT: String(ports.product),
        ORDER_PORT: String(ports.order),
        NOTIFICATION_PORT: String(ports.notification),
        CART_PORT: String(await freePort()),
        GATEWAY_PORT: String(await freePort()),
      },
      `${urls.notification}/health/ready`,
      { logFile: stackLog, attempts: 360 },
    );

    // 3. Catalog and customers through the public APIs, then statistics.
    step(`seeding ${PRODUCTS} products and ${CUSTOMERS} customers`);
    const adminToken = await login(urls, ADMIN.email, ADMIN.password);
    const auth = { authorization: `Bearer ${adminToken}` };
    const category = (await post(
      `${urls.product}/api/categories`,
      JSON.stringify({ name: 'Checkout bench' }),
      'application/json',
      auth,
    )) as { id: number };
    const productIds = await mapLimit(range(PRODUCTS), 8, async (i) => {
      const product = (await post(
        `${urls.product}/api/products`,
        JSON.stringify({
          name: `Bench item ${i + 1}`,
          description: 'A product of the checkout benchmark',
          price_cents: 100 + i,
          stock: STOCK,
          category_id: category.id,
        }),
        'application/json',
        auth,
      )) as { id: number };
      return product.id;
    });
    const emails = range(CUSTOMERS).map((i) => `bench-${i + 1}@example.com`);
    // argon2id runs per registration and login: a few at a time keeps the two cores busy.
    await mapLimit(emails, 4, (email, i) =>
      post(
        `${urls.account}/api/auth/register`,
        JSON.stringify({ email, name: `Bench customer ${i + 1}`, password: CUSTOMER_PASSWORD }),
        'application/json',
      ),
    );
    let tokens = await mapLimit(emails, 4, (email) => login(urls, email, CUSTOMER_PASSWORD));
    let loggedInAt = Date.now();
    await analyze(DATABASE_URL);

    // 4. The load.
    const runId = Date.now().toString(36);
    let sequence = 0;
    const placeOrders = async (options: {
      name: string;
      clients: number;
      lines: number;
      seconds: number;
      /** Orders per second over all clients; default: as fast as they answer. */
      rate?: number;
    }): Promise<Row> => {
      if (Date.now() - loggedInAt > TOKEN_REFRESH_MS) {
        tokens = await mapLimit(emails, 4, (email) => login(urls, email, CUSTOMER_PASSWORD));
        loggedInAt = Date.now();
      }
      const spread = Math.floor(productIds.length / options.lines); // distinct products in one order
      const result = await autocannon({
        url: `${urls.order}/api/orders`,
        connections: options.clients,
        duration: options.seconds,
        ...(options.rate ? { overallRate: options.rate } : {}),
        requests: [
          {
            method: 'POST',
            path: '/api/orders',
            setupRequest: (request) => {
              const n = sequence++;
              const items = range(options.lines).map((k) => ({
                product_id: productIds[(n + k * spread) % productIds.length] as number,
                quantity: 1,
              }));
              return {
                ...request,
                headers: {
                  'content-type': 'application/json',
                  authorization: `Bearer ${tokens[n % tokens.length]}`,
                  'idempotency-key': `bench-${runId}-${n}`,
                },
                body: JSON.stringify({ items }),
              };
            },
          },
        ],
      });
      const failures = Object.entries(result.statusCodeStats ?? {})
        .filter(([code]) => !code.startsWith('2'))
        .map(([code, stats]) => `${code}×${stats.count ?? 0}`);
      if (result.errors > 0) failures.push(`connection errors×${result.errors - result.timeouts}`);
      if (result.timeouts > 0) failures.push(`timeouts×${result.timeouts}`);
      return {
        name: options.name,
        requests: Math.round(result['2xx'] / result.duration),
        p50: result.latency.p50,
        p99: result.latency.p99,
        errors: result.errors + result.non2xx,
        note: failures.join(', '),
      };
    };

    step('warm-up (not counted)');
    await placeOrders({ name: 'warm-up', clients: 16, lines: 1, seconds: Math.min(3, duration) });
    await drainEmails();
    await analyze(DATABASE_URL); // the order, reservation and e-mail tables hold rows now

    const rows: Row[] = [];
    const loadFrom = await lastOrderId();
    const loadStarted = Date.now();
    let reference: Row | undefined; // single-line orders at the fewest clients: the light phase's yardstick
    for (const clients of CLIENTS) {
      const ceiling = ceilings.get(clients) as Row;
      rows.push(ceiling);
      for (const lines of LINES) {
        const name = `POST /api/orders, ${lines} line${lines === 1 ? '' : 's'}, ${clients} clients`;
        step(`${name}, ${duration} s`);
        const row = await placeOrders({ name, clients, lines, seconds: duration });
        if (ceiling.requests > 0) row.baseline = ceiling;
        const drain = await drainEmails();
        row.note = [drainNote(drain), row.note].filter(Boolean).join('; ');
        rows.push(row);
        reference ??= row;
      }
    }
    const loadTo = await lastOrderId();
    const loadSeconds = (Date.now() - loadStarted) / 1000;

    // 5. A light phase: the e-mail path without a backlog in front of it.
    const lightSeconds = Math.min(LIGHT.seconds, duration);
    const lightRate = Math.max(2, Math.round((reference?.requests ?? 0) * LIGHT.share));
    step(`light phase: ${LIGHT.clients} clients, at most ${lightRate} orders/s, ${lightSeconds} s`);
    const lightRow = await placeOrders({
      name: `POST /api/orders, 1 line, ${LIGHT.clients} clients, ≤ ${lightRate}/s (light)`,
      clients: LIGHT.clients,
      lines: 1,
      seconds: lightSeconds,
      rate: lightRate,
    });
    const lightDrain = await drainEmails();
    lightRow.note = [drainNote(lightDrain), lightRow.note].filter(Boolean).join('; ');
    rows.push(lightRow);
    const lightTo = await lastOrderId();

    const underLoad = await emailLatency(loadFrom, loadTo);
    const light = await emailLatency(loadTo, lightTo);
    const tables = await tableStats();
    const log = logSummary(stackLog);

    const latencyLine = (label: string, stats: Latency) =>
      `  ${label.padEnd(52)} ${String(stats.count).padStart(6)} orders  p50 ${fmt(stats.p50)} ms  p99 ${fmt(stats.p99)} ms  max ${fmt(stats.max)} ms` +
      `  (p50 ${fmt(stats.toRow)} ms to the e-mail row, ${fmt(stats.toSent)} ms from there to sent)` +
      (stats.missing > 0 ? `  ${stats.missing} WITHOUT a sent e-mail` : '');
    const notes = [
      '',
      'req/s of the order rows: 2xx orders per second; errors: non-2xx, connection errors and timeouts.',
      `The ceiling: pgbench TPC-B-like (scale ${PGBENCH_SCALE}, -j 2, 5 statements in one transaction), same PostgreSQL, run before the stack started; its p50/p99 from its per-transaction log.`,
      'vs baseline: orders/s ÷ pgbench tps at the same client count.',
      '',
      'Order placed → confirmation e-mail sent (notification.emails.sent_at − order.orders.created_at):',
      latencyLine(`under the load (all rows above, ${loadSeconds.toFixed(0)} s)`, underLoad),
      latencyLine(`light phase (${LIGHT.clients} clients, ≤ ${lightRate} orders/s, ${lightSeconds} s)`, light),
      '',
      `After the run (autovacuum off): ${tables}`,
      `Load average (1/5/15 min): ${loadBefore} before the scenario, ${loadAverage()} after it.`,
      `Stack output: ${stackLog} (${log})`,
    ];
    return {
      duration,
      rows,
      setting: `orders at ${CLIENTS.join(' and ')} clients, ${PRODUCTS} products, ${CUSTOMERS} customers`,
      notes,
    };
  } finally {
    if (stack) await stop(stack);
    await dropDatabase(PGBENCH_URL).catch(() => undefined);
    // pgbench's per-transaction logs; the stack's output stays for reading.
    for (const file of readdirSync(logDir).filter((each) => each.startsWith('pgbench-'))) rmSync(join(logDir, file));
  }

  /**
   * Waits for the orders still in flight when autocannon stopped (it does not wait for
   * them), then until every order has its confirmation e-mail sent (or failed), or progress
   * stalls. Orders and e-mails are matched by event id: an event left in the queue by an
   * earlier run is some other order's.
   */
  async function drainEmails(): Promise<{ done: boolean; seconds: number; orders: number; sent: number }> {
    const started = Date.now();
    const count = () =>
      withClient(DATABASE_URL, async (client) => {
        const result = await client.query<{ orders: number; sent: number }>(
          `select count(*)::int as orders,
                  (count(e.id) filter (where e.status in ('sent', 'failed')))::int as sent
             from "order".outbox o
             left join notification.emails e on e.event_id = o.event_id
            where o.type = 'order.placed'`,
        );
        return result.rows[0] as { orders: number; sent: number };
      });
    let placed = -1;
    for (;;) {
      const now = (await count()).orders;
      if (now === placed) break;
      placed = now;
      await sleep(1_000);
    }
    let last = -1;
    let lastProgress = Date.now();
    for (;;) {
      const { orders, sent } = await count();
      const seconds = (Date.now() - started) / 1000;
      if (sent >= orders) return { done: true, seconds, orders, sent };
      if (sent > last) {
        last = sent;
        lastProgress = Date.now();
      } else if (Date.now() - lastProgress > DRAIN_STALL_MS) {
        return { done: false, seconds, orders, sent };
      }
      await sleep(200);
    }
  }
}

interface Latency {
  count: number;
  missing: number;
  p50: number;
  p99: number;
  max: number;
  /** p50 of e-mail row created − order created: outbox relay, RabbitMQ, the notification consumer. */
  toRow: number;
  /** p50 of sent − e-mail row created: the e-mail job queue, rendering, the mailbox. */
  toSent: number;
}

/** The orders with from < id ≤ to and their confirmation e-mails, joined by the order.placed event's id. */
async function emailLatency(from: number, to: number): Promise<Latency> {
  const rows = await withClient(DATABASE_URL, async (client) => {
    const result = await client.query<{ total: number | null; row: number | null; sent: number | null }>(
      `select (extract(epoch from e.sent_at - o.created_at) * 1000)::float8 as total,
              (extract(epoch from e.created_at - o.created_at) * 1000)::float8 as row,
              (extract(epoch from e.sent_at - e.created_at) * 1000)::float8 as sent
         from "order".orders o
         left join "order".outbox x
                on x.type = 'order.placed' and (x.event -> 'data' ->> 'order_id')::int = o.id
         left join notification.emails e on e.event_id = x.event_id and e.status = 'sent'
        where o.id > $1 and o.id <= $2`,
      [from, to],
    );
    return result.rows;
  });
  const sent = rows.filter((row) => row.total !== null);
  const values = sent.map((row) => row.total as number);
  return {
    count: rows.length,
    missing: rows.length - sent.length,
    p50: percentile(values, 50),
    p99: percentile(values, 99),
    max: values.length ? Math.max(...values) : Number.NaN,
    toRow: percentile(
      sent.map((row) => row.row as number),
      50,
    ),
    toSent: percentile(
      sent.map((row) => row.sent as number),
      50,
    ),
  };
}

async function lastOrderId(): Promise<number> {
  return withClient(DATABASE_URL, async (client) => {
    const result = await client.query<{ id: number }>('select coalesce(max(id), 0)::int as id from "order".orders');
    return result.rows[0]?.id ?? 0;
  });
}

/** Dead rows left by the run in the tables every order updates (autovacuum is off here). */
async function tableStats(): Promise<string> {
  return withClient(DATABASE_URL, async (client) => {
    const result = await client.query<{ name: string; live: number; dead: number; updates: number; hot: number }>(
      `select schemaname || '.' || relname as name, n_live_tup::int as live, n_dead_tup::int as dead,
              n_tup_upd::int as updates, n_tup_hot_upd::int as hot
         from pg_stat_user_tables
        where (schemaname, relname) in (('product', 'products'), ('product', 'reservations'),
                                        ('order', 'orders'), ('order', 'idempotency_keys'),
                                        ('order', 'outbox'), ('notification', 'emails'))
        order by schemaname, relname`,
    );
    return result.rows
      .map((row) => `${row.name} ${row.live} live / ${row.dead} dead (${row.hot} of ${row.updates} updates HOT)`)
      .join('; ');
  });
}

/** Counts the stack's warnings and errors (pino levels 40, 50, 60). */
function logSummary(file: string): string {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return 'no output';
  }
  const count = (level: number) => text.split('\n').filter((line) => line.includes(`"level":${level}`)).length;
  return `${count(40)} warnings, ${count(50) + count(60)} errors`;
}

/** One pgbench run; tps and latency average from its summary, p50/p99 from its per-transaction log. */
async function pgbench(clients: number, duration: number, logDir: string): Promise<Row> {
  const prefix = join(logDir, `pgbench-c${clients}`);
  const name = `pgbench TPC-B-like, ${clients} clients (ceiling)`;
  let output: string;
  try {
    output = await runProcess(
      'pgbench',
      [
        '-c',
        String(clients),
        '-j',
        '2',
        '-T',
        String(duration),
        '-l',
        `--log-prefix=${prefix}`,
        databaseName(PGBENCH_URL),
      ],
      pgEnv(PGBENCH_URL),
      { capture: true },
    );
  } catch (error) {
    console.error((error as Error).message);
    return { name, requests: 0, p50: Number.NaN, p99: Number.NaN, errors: clients, note: 'pgbench failed (above)' };
  }
  const tps = Number(/tps = ([\d.]+)/.exec(output)?.[1]);
  const average = Number(/latency average = ([\d.]+) ms/.exec(output)?.[1]);
  const failed = Number(/number of failed transactions: (\d+)/.exec(output)?.[1] ?? 0);
  const latencies: number[] = [];
  for (const file of readdirSync(logDir).filter((each) => each.startsWith(`pgbench-c${clients}.`))) {
    for (const line of readFileSync(join(logDir, file), 'utf8').split('\n')) {
      const micros = Number(line.split(' ')[2]);
      if (line && Number.isFinite(micros)) latencies.push(micros / 1000);
    }
    rmSync(join(logDir, file));
  }
  return {
    name,
    requests: Math.round(tps),
    p50: round1(percentile(latencies, 50)),
    p99: round1(percentile(latencies, 99)),
    errors: failed,
    note: `latency average ${average} ms, ${latencies.length} transactions`,
  };
}

/** libpq's settings for `url`, so pgbench reaches the same server as the bench. */
function pgEnv(url: string): Record<string, string> {
  const parsed = new URL(url);
  const env: Record<string, string> = {
    PGHOST: parsed.hostname || '127.0.0.1',
    PGPORT: parsed.port || '5432',
    PGUSER: decodeURIComponent(parsed.username) || 'postgres',
  };
  if (parsed.password) env.PGPASSWORD = decodeURIComponent(parsed.password);
  return env;
}

function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

async function login(urls: Stack, email: string, password: string): Promise<string> {
  const body = new URLSearchParams({ grant_type: 'password', username: email, password }).toString();
  const tokens = (await post(`${urls.account}/api/auth/token`, body, 'application/x-www-form-urlencoded')) as {
    access_token: string;
  };
  return tokens.access_token;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** `map` with at most `limit` calls in flight; results in input order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, map: (item: T, index: number) => Promise<R>) {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await map(items[index] as T, index);
    }
  };
  await Promise.all(range(Math.min(limit, items.length)).map(worker));
  return results;
}

function drainNote(drain: { done: boolean; seconds: number; orders: number; sent: number }): string {
  return drain.done
    ? `e-mails all sent ${drain.seconds.toFixed(1)} s after the row`
    : `e-mails NOT all sent: ${drain.orders - drain.sent} of ${drain.orders} missing ${drain.seconds.toFixed(0)} s after the row`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

function fmt(value: number): string {
  return Number.isNaN(value) ? '–' : value >= 100 ? value.toFixed(0) : value.toFixed(1);
}
