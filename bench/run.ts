/**
 * `npm run bench [-- <scenario>]`: load scenarios against real servers in server mode,
 * each printed next to a baseline measured in the same run on the same machine.
 *
 * Scenarios: account, analytics (bench/analytics.ts), catalog, checkout (bench/checkout.ts),
 * gateway (bench/gateway.ts), memory (bench/memory.ts), web (bench/web.ts). Settings:
 * BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/shop_bench, created if
 * missing; checkout and memory use its server only; analytics drops and migrates its
 * `analytics` schema), BENCH_DURATION seconds per run (default 10 for account, 20 for
 * catalog and checkout, 15 for memory; analytics counts calls instead), BENCH_CONNECTIONS
 * (default 32; checkout and memory set their own client counts), BENCH_ANALYTICS_LINES
 * (default 1,000,000: the order lines of the analytics scenario's generated history; e.g.
 * 50000 for a quick try; PGlite takes at most 1,000,000 of them).
 */
import type { ChildProcess } from 'node:child_process';
import autocannon from 'autocannon';
import { buildServer } from '../scripts/server-build.ts';
import { analyticsScenario } from './analytics.ts';
import { checkoutScenario } from './checkout.ts';
import { gatewayScenario } from './gateway.ts';
import {
  analyze,
  ensureDatabase,
  percent,
  positive,
  post,
  print,
  type Report,
  type Row,
  runProcess,
  startProcess,
  stop,
  withClient,
} from './lib.ts';
import { memoryScenario } from './memory.ts';
import { webScenario } from './web.ts';

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/shop_bench';
const CONNECTIONS = positive('BENCH_CONNECTIONS', 32);

const scenarios: Record<string, () => Promise<Report>> = {
  account: accountScenario,
  analytics: analyticsScenario,
  catalog: catalogScenario,
  checkout: checkoutScenario,
  gateway: gatewayScenario,
  memory: memoryScenario,
  web: webScenario,
};

async function accountScenario(): Promise<Report> {
  const duration = positive('BENCH_DURATION', 10);
  await ensureDatabase(DATABASE_URL);
  const port = 18003;
  const service = await startProcess(
    'npx',
    ['tsx', 'apps/stack/src/service.ts', 'account'],
    {
      DATABASE_URL,
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      ADMIN_PASSWORD: 'bench-admin-password',
      LOG_LEVEL: 'warn',
      REDIS_URL: '',
    },
    `http://127.0.0.1:${port}/health/ready`,
  );
  try {
    const base = `http://127.0.0.1:${port}`;
    const email = `bench-${Date.now()}@example.com`;
    await post(
      `${base}/api/auth/register`,
      JSON.stringify({ email, name: 'Bench', password: 'bench-password' }),
      'application/json',
    );
    const tokens = (await post(
      `${base}/api/auth/token`,
      new URLSearchParams({ grant_type: 'password', username: email, password: 'bench-password' }).toString(),
      'application/x-www-form-urlencoded',
    )) as { access_token: string };
    const me = (await (
      await fetch(`${base}/api/account/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } })
    ).json()) as { id: number };
    await analyze(DATABASE_URL);

    const rows: Row[] = [];
    rows.push(
      await load(
        'account GET /api/account/me (JWT verify + lookup)',
        { url: `${base}/api/account/me`, duration },
        {
          authorization: `Bearer ${tokens.access_token}`,
        },
      ),
    );
    rows.push(await load('account GET /.well-known/jwks.json', { url: `${base}/.well-known/jwks.json`, duration }));
    const baseline = await startProcess(
      'npx',
      ['tsx', 'bench/baselines/account-me.ts'],
      { DATABASE_URL, PORT: '18103', USER_ID: String(me.id) },
      'http://127.0.0.1:18103/api/account/me',
    );
    try {
      const row = await load('baseline: bare Fastify + pg, same SQL, no auth', {
        url: 'http://127.0.0.1:18103/api/account/me',
        duration,
      });
      rows.push(row);
      for (const each of rows) each.baseline = row;
    } finally {
      await stop(baseline);
    }
    return { duration, rows };
  } finally {
    await stop(service);
  }
}

const CATALOG_PRODUCTS = 10_000;
/** Straight to the service, the catalog's reads: at least this share of the ceiling's req/s, p99 under this. */
const DIRECT_TARGET = { share: 0.8, p99: 25 };

/**
 * The product service's four read paths on a fresh 10,000-product catalog, each against
 * a bare Fastify + pg server running the same SQL (bench/baselines/catalog.ts).
 */
async function catalogScenario(): Promise<Report> {
  const duration = positive('BENCH_DURATION', 20);
  await ensureDatabase(DATABASE_URL);
  // A fresh catalog every run: the seed script's migrations recreate the schema.
  await withClient(DATABASE_URL, (client) => client.query('drop schema if exists product cascade'));
  const seed = ['tsx', 'services/product/src/seed/seed-catalog.ts', '--products', String(CATALOG_PRODUCTS)];
  await runProcess('npx', seed, { DATABASE_URL });
  await analyze(DATABASE_URL); // the seed script analyzes too; cheap, and the rule holds whoever seeds
  const { categoryId, ids } = await withClient(DATABASE_URL, async (client) => {
    const category = await client.query<{ id: number }>("select id from product.categories where slug = 'seafood'");
    const products = await client.query<{ id: number }>('select id from product.products order by id');
    return { categoryId: category.rows[0]?.id, ids: products.rows.map((row) => row.id) };
  });
  if (categoryId === undefined || ids.length === 0) throw new Error('the seeded catalog is empty');

  const service = 'http://127.0.0.1:18001';
  const ceiling = 'http://127.0.0.1:18101';
  const servers: ChildProcess[] = [];
  try {
    await buildServer();
    servers.push(
      await startProcess(
        'node',
        // The production build, as deployed: plain node on transpiled JavaScript, no tsx.
        ['--conditions=production', 'apps/stack/dist/service.js', 'product'],
        // No order service runs here; the secret is never used (no reservation comes due).
        {
          DATABASE_URL,
          PORT: '18001',
          LOG_LEVEL: 'warn',
          DEMO_CATALOG: 'false',
          PRODUCT_CLIENT_SECRET: 'bench-unused',
        },
        `${service}/health/ready`,
      ),
    );
    servers.push(
      await startProcess(
        'npx',
        ['tsx', 'bench/baselines/catalog.ts'],
        { DATABASE_URL, PORT: '18101' },
        `${ceiling}/api/products`,
      ),
    );

    // Every connection takes the next id: the whole catalog is read in turn.
    let next = 0;
    const rotate = (request: autocannon.Request) => ({
      ...request,
      path: `/api/products/${ids[next++ % ids.length]}`,
    });
    const endpoints: Array<{ name: string; path: string; rotate?: typeof rotate }> = [
      { name: 'GET /api/products (newest, first page)', path: '/api/products' },
      {
        name: `GET /api/products?category=${categoryId}&sort=price`,
        path: `/api/products?category=${categoryId}&sort=price`,
      },
      { name: 'GET /api/products?q=smoked (relevance)', path: '/api/products?q=smoked' },
      { name: `GET /api/products/:id (${ids.length} ids in turn)`, path: `/api/products/${ids[0]}`, rotate },
    ];
    const rows: Row[] = [];
    for (const endpoint of endpoints) {
      const measure = async (name: string, base: string) => {
        const target = { url: `${base}${endpoint.path}`, rotate: endpoint.rotate };
        await load('warm-up', { ...target, duration: 2 }); // JIT and pool warm, not counted
        return load(name, { ...target, duration });
      };
      const measured = await measure(`product ${endpoint.name}`, service);
      const baseline = await measure('  baseline: bare Fastify + pg, same SQL', ceiling);
      measured.baseline = baseline;
      baseline.baseline = baseline;
      rows.push(measured, baseline);
    }

    // Search is the database's time, for the service and the ceiling alike: no target.
    const notes = rows
      .filter((row) => row.baseline !== row && !row.name.includes('q='))
      .map((row) => {
        const share = row.requests / (row.baseline?.requests ?? row.requests);
        const met = share >= DIRECT_TARGET.share && row.p99 < DIRECT_TARGET.p99;
        return (
          `${row.name.trim()}: target ≥ ${percent(DIRECT_TARGET.share)} of the baseline's req/s, p99 < ${DIRECT_TARGET.p99} ms: ` +
          `${met ? 'met' : 'MISSED'} (${percent(share)}, p99 ${row.p99} ms)`
        );
      });
    return { duration, rows, notes };
  } finally {
    for (const server of servers.reverse()) await stop(server);
  }
}

async function load(
  name: string,
  target: { url: string; duration: number; rotate?: (request: autocannon.Request) => autocannon.Request },
  headers: Record<string, string> = {},
): Promise<Row> {
  const result = await autocannon({
    url: target.url,
    connections: CONNECTIONS,
    duration: target.duration,
    headers,
    ...(target.rotate ? { requests: [{ setupRequest: target.rotate }] } : {}),
  });
  return {
    name,
    requests: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx, // errors include timeouts
  };
}

const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const names = wanted.length > 0 ? wanted : Object.keys(scenarios);
for (const name of names) {
  const scenario = scenarios[name];
  if (!scenario) {
    console.error(`unknown scenario "${name}"; known: ${Object.keys(scenarios).join(', ')}`);
    process.exit(2);
  }
  print(name, await scenario(), CONNECTIONS);
}
