/**
 * `npm run bench -- gateway`: what the gateway costs, and the cart's read path.
 *
 * account, product, cart and the gateway each in their own process in server mode
 * (PostgreSQL, Redis), the product service with a 1,000-product seeded catalog. Each row
 * is a request through the gateway next to the same request sent straight to the
 * service that answers it (the baseline), measured in the same run. The gateway's rate
 * limiter runs on Redis, as in server mode, with a limit high enough not to refuse the load.
 * Between the two, a bare reverse proxy (bench/baselines/bare-proxy.ts) shows what any
 * Node proxy hop costs on this machine, before the gateway's own work.
 *
 * Settings: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/shop_bench;
 * the database shop_bench_gateway on its server is recreated), BENCH_REDIS_URL (default
 * redis://127.0.0.1:6379), BENCH_DURATION seconds per row (default 10), BENCH_CONNECTIONS.
 */

import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import {
  dropDatabase,
  freePort,
  positive,
  post,
  type Report,
  type Row,
  recreateDatabase,
  runProcess,
  startProcess,
  stop,
  withDatabase,
} from './lib.ts';

const SERVER_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/shop_bench';
const DATABASE_URL = withDatabase(SERVER_URL, 'shop_bench_gateway');
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const SERVICES = ['account', 'product', 'cart', 'gateway'] as const;

export async function gatewayScenario(): Promise<Report> {
  const duration = positive('BENCH_DURATION', 10);
  const connections = positive('BENCH_CONNECTIONS', 32);
  await recreateDatabase(DATABASE_URL);
  const env: Record<string, string> = {
    DATABASE_URL,
    REDIS_URL,
    CART_REDIS_PREFIX: `bench-${randomBytes(4).toString('hex')}:`,
    ADMIN_PASSWORD: 'bench-admin-password',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_REQUESTS: '1000000000',
  };
  const urls = {} as Record<(typeof SERVICES)[number], string>;
  for (const name of SERVICES) {
    const port = await freePort();
    urls[name] = `http://127.0.0.1:${port}`;
    env[`${name.toUpperCase()}_PORT`] = String(port);
    env[`${name.toUpperCase()}_URL`] = urls[name];
  }
  env.PUBLIC_URL = urls.gateway;

  // A 1,000-product catalog from the seed script (it analyzes after loading).
  await runProcess(
    'npx',
    ['tsx', 'services/product/src/seed/seed-catalog.ts', '--products', '1000'],
    { DATABASE_URL },
    {
      capture: true,
    },
  );
  const logDir = mkdtempSync(join(tmpdir(), 'bench-gateway-'));
  const servers: ChildProcess[] = [];
  try {
    for (const name of SERVICES) {
      servers.push(
        await startProcess(
          process.execPath,
          ['--import', 'tsx', 'apps/stack/src/service.ts', name],
          env,
          // The gateway is ready when every service is; order and notification are not run here.
          `${urls[name]}/health/${name === 'gateway' ? 'live' : 'ready'}`,
          { logFile: join(logDir, `${name}.log`) },
        ),
      );
    }
    const email = `bench-${Date.now()}@example.com`;
    await post(
      `${urls.gateway}/api/auth/register`,
      JSON.stringify({ email, name: 'Bench', password: 'bench-password' }),
      'application/json',
    );
    const { access_token: token } = (await post(
      `${urls.gateway}/api/auth/token`,
      new URLSearchParams({ grant_type: 'password', username: email, password: 'bench-password' }).toString(),
      'application/x-www-form-urlencoded',
    )) as { access_token: string };
    const { items } = (await (await fetch(`${urls.gateway}/api/products?limit=3`)).json()) as {
      items: Array<{ id: number }>;
    };
    for (const product of items) {
      const response = await fetch(`${urls.gateway}/api/cart/items/${product.id}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ quantity: 2 }),
      });
      if (!response.ok) throw new Error(`PUT /api/cart/items/${product.id} answered ${response.status}`);
    }

    // The least a Node proxy costs, for comparison: bench/baselines/bare-proxy.ts, one per service.
    const bare: Record<string, string> = {};
    for (const [name, upstream] of [
      ['product', urls.product],
      ['cart', urls.cart],
    ] as const) {
      const port = await freePort();
      bare[upstream] = `http://127.0.0.1:${port}`;
      servers.push(
        await startProcess(
          process.execPath,
          ['--import', 'tsx', 'bench/baselines/bare-proxy.ts'],
          { UPSTREAM: upstream, PORT: String(port) },
          `${bare[upstream]}/health/live`,
          { logFile: join(logDir, `bare-proxy-${name}.log`) },
        ),
      );
    }

    const first = items[0]?.id;
    if (first === undefined || items.length < 3) throw new Error('the seeded catalog is empty');
    const endpoints = [
      { name: `GET /api/products/${first}`, path: `/api/products/${first}`, service: urls.product, headers: {} },
      { name: 'GET /api/products (first page)', path: '/api/products', service: urls.product, headers: {} },
      {
        name: 'GET /api/cart (3 lines, prices cached)',
        path: '/api/cart',
        service: urls.cart,
        headers: { authorization: `Bearer ${token}` },
      },
    ];
    const rows: Row[] = [];
    for (const endpoint of endpoints) {
      const measure = async (name: string, base: string): Promise<Row> => {
        const target = { url: `${base}${endpoint.path}`, connections, headers: endpoint.headers };
        await autocannon({ ...target, duration: 2 }); // JIT and pools warm, not counted
        const result = await autocannon({ ...target, duration });
        return {
          name,
          requests: Math.round(result.requests.average),
          p50: result.latency.p50,
          p99: result.latency.p99,
          errors: result.errors + result.non2xx,
        };
      };
      const through = await measure(`gateway ${endpoint.name}`, urls.gateway);
      const proxied = await measure('  bare @fastify/http-proxy, nothing else', bare[endpoint.service] ?? '');
      const direct = await measure('  baseline: the service directly', endpoint.service);
      for (const row of [through, proxied, direct]) row.baseline = direct;
      rows.push(through, proxied, direct);
    }
    return { duration, rows, setting: `${connections} connections, one process per service` };
  } finally {
    for (const server of servers.reverse()) await stop(server);
    await dropDatabase(DATABASE_URL);
  }
}
