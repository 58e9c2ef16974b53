/**
 * `npm run bench -- gateway`: what the gateway costs, and the cart's read path.
 *
 * account, product, cart and the gateway each in their own process in server mode
 * (PostgreSQL, Redis), from the production build (built here when stale), the product
 * service with a 1,000-product seeded catalog. Each request runs through the gateway,
 * then through nginx (bench/baselines/nginx-proxy.ts: the reverse proxy a user would
 * otherwise put in front), then through a bare Node proxy (bench/baselines/bare-proxy.ts:
 * what any Node proxy hop costs here, before the gateway's own work), then straight to
 * the service that answers it (the baseline), and, for the catalog's reads, to the
 * catalog's ceiling (bench/baselines/catalog.ts: bare Fastify + pg running the service's
 * SQL on the same database), all in the same run. Next to each row: the
 * CPU per request of the proxy's processes alone (the gateway's process; nginx's master
 * and worker) and of the answering service (the same work in every row), read from /proc:
 * throughput on a shared machine is noisy, CPU per request is not. The gateway's rate
 * limiter runs on Redis, as in server mode, with a limit high enough not to refuse the
 * load. Needs /usr/sbin/nginx (Debian's `nginx` package).
 *
 * Settings: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/shop_bench;
 * the database shop_bench_gateway on its server is recreated), BENCH_REDIS_URL (default
 * redis://127.0.0.1:6379), BENCH_DURATION seconds per row (default 12), BENCH_CONNECTIONS,
 * BENCH_ROUNDS (default 3: each way is loaded in that many turns of BENCH_DURATION / rounds),
 * BENCH_PROFILE_DIR (the gateway writes a `--cpu-prof` profile of the whole run there).
 */

import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { buildServer } from '../scripts/server-build.ts';
import { hasNginx, NGINX, nginxConfig } from './baselines/nginx-proxy.ts';
import {
  cpuMsSoFar,
  dropDatabase,
  freePort,
  percent,
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
/** The goal: the gateway's own CPU per request at most this multiple of nginx's. */
const NGINX_GOAL = 1.5;
/** The catalog's goals, as shares of the ceiling's req/s: through the gateway (with its p99), and straight to the service. */
const CATALOG_GOAL = { gateway: 0.5, gatewayP99: 25, direct: 0.8 };

interface Measured extends Row {
  /** CPU milliseconds per request: the proxy's processes (none when loaded directly), the answering service. */
  cpu: { proxy?: number; service: number };
}

/** The processes `pid` started (nginx's workers). */
function childPids(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
    readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
  );
}

function micros(ms: number): string {
  return `${Math.round(ms * 1000)} µs`;
}

export async function gatewayScenario(): Promise<Report> {
  const duration = positive('BENCH_DURATION', 12);
  const connections = positive('BENCH_CONNECTIONS', 32);
  const rounds = positive('BENCH_ROUNDS', 3);
  if (!hasNginx()) throw new Error(`${NGINX} is missing: apt-get install -y nginx (the bare reverse proxy baseline)`);
  await buildServer();
  await recreateDatabase(DATABASE_URL);
  const env: Record<string, string> = {
    DATABASE_URL,
    REDIS_URL,
    CART_REDIS_PREFIX: `bench-${randomBytes(4).toString('hex')}:`,
    ADMIN_PASSWORD: 'bench-admin-password',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_REQUESTS: '1000000000',
    // Registrations per IP are counted in the shared Redis for an hour: other runs on this machine add up.
    REGISTRATION_MAX_PER_IP: '100000',
  };
  env.PRODUCT_CLIENT_SECRET = randomBytes(24).toString('base64url');
  env.OAUTH_CLIENTS = `product:${env.PRODUCT_CLIENT_SECRET}:order:reconcile`;
  const urls = {} as Record<(typeof SERVICES)[number], string>;
  for (const name of SERVICES) {
    const port = await freePort();
    urls[name] = `http://127.0.0.1:${port}`;
    env[`${name.toUpperCase()}_PORT`] = String(port);
    env[`${name.toUpperCase()}_URL`] = urls[name];
  }
  env.PUBLIC_URL = urls.gateway;
  env.GATEWAY_METRICS_PORT = String(await freePort());

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
  // The gateway's CPU profile, written when it stops: `node --cpu-prof`, opened by Chrome's DevTools.
  const profileDir = process.env.BENCH_PROFILE_DIR;
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const processes = {} as Record<(typeof SERVICES)[number], ChildProcess>;
  try {
    for (const name of SERVICES) {
      // The production build, as deployed: plain node on transpiled JavaScript, no tsx.
      processes[name] = await startProcess(
        process.execPath,
        [...(name === 'gateway' ? profile : []), '--conditions=production', 'apps/stack/dist/service.js', name],
        env,
        // The gateway is ready when every service is; order and notification are not run here.
        `${urls[name]}/health/${name === 'gateway' ? 'live' : 'ready'}`,
        { logFile: join(logDir, `${name}.log`) },
      );
      servers.push(processes[name]);
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
      items: Array<{ id: number; category_id: number | null }>;
    };
    for (const product of items) {
      const response = await fetch(`${urls.gateway}/api/cart/items/${product.id}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ quantity: 2 }),
      });
      if (!response.ok) throw new Error(`PUT /api/cart/items/${product.id} answered ${response.status}`);
    }

    // The least a Node proxy costs (bench/baselines/bare-proxy.ts, one per service), and
    // nginx, the proxy a user would otherwise put in front (bench/baselines/nginx-proxy.ts).
    const bare = new Map<string, { url: string; child: ChildProcess }>();
    for (const [name, upstream] of [
      ['product', urls.product],
      ['cart', urls.cart],
    ] as const) {
      const url = `http://127.0.0.1:${await freePort()}`;
      const child = await startProcess(
        process.execPath,
        ['--import', 'tsx', 'bench/baselines/bare-proxy.ts'],
        { UPSTREAM: upstream, PORT: new URL(url).port },
        `${url}/health/live`,
        { logFile: join(logDir, `bare-proxy-${name}.log`) },
      );
      servers.push(child);
      bare.set(upstream, { url, child });
    }
    const nginxPort = await freePort();
    const nginxUrl = `http://127.0.0.1:${nginxPort}`;
    const nginxArgs = nginxConfig(join(logDir, 'nginx'), nginxPort, [
      { prefix: '/api/cart', upstream: urls.cart },
      { prefix: '/', upstream: urls.product },
    ]);
    const nginx = await startProcess(NGINX, nginxArgs, {}, `${nginxUrl}/health/live`, {
      logFile: join(logDir, 'nginx.log'),
    });
    servers.push(nginx);
    const ceilingUrl = `http://127.0.0.1:${await freePort()}`;
    const ceiling = await startProcess(
      process.execPath,
      ['--import', 'tsx', 'bench/baselines/catalog.ts'],
      { DATABASE_URL, PORT: new URL(ceilingUrl).port },
      `${ceilingUrl}/api/products`,
      { logFile: join(logDir, 'ceiling.log') },
    );
    servers.push(ceiling);
    const pids = (child: ChildProcess) => [child.pid as number];

    const first = items[0];
    if (first === undefined || first.category_id === null || items.length < 3) {
      throw new Error('the seeded catalog is empty');
    }
    const endpoints = [
      { name: 'GET /api/products?limit=20', path: '/api/products?limit=20', service: urls.product, headers: {} },
      {
        name: `GET /api/products?category=${first.category_id}&sort=price`,
        path: `/api/products?category=${first.category_id}&sort=price`,
        service: urls.product,
        headers: {},
      },
      { name: `GET /api/products/${first.id}`, path: `/api/products/${first.id}`, service: urls.product, headers: {} },
      {
        name: 'GET /api/cart (3 lines, prices cached)',
        path: '/api/cart',
        service: urls.cart,
        headers: { authorization: `Bearer ${token}` },
      },
    ];
    const rows: Row[] = [];
    const notes: string[] = [];
    for (const endpoint of endpoints) {
      const answering = processes[endpoint.service === urls.cart ? 'cart' : 'product'];
      const catalog = endpoint.service === urls.product;
      const bareProxy = bare.get(endpoint.service);
      if (!bareProxy) throw new Error(`no bare proxy for ${endpoint.service}`);
      const serving = () => pids(answering);
      const ways = [
        { name: `gateway ${endpoint.name}`, base: urls.gateway, proxy: () => pids(processes.gateway), serving },
        {
          name: '  nginx reverse proxy, keep-alive upstream',
          base: nginxUrl,
          proxy: () => [nginx.pid as number, ...childPids(nginx.pid as number)],
          serving,
        },
        {
          name: '  bare @fastify/http-proxy, nothing else',
          base: bareProxy.url,
          proxy: () => pids(bareProxy.child),
          serving,
        },
        { name: '  baseline: the service directly', base: endpoint.service, proxy: () => [], serving },
        // The catalog's ceiling answers in place of the service: its CPU is in the service column.
        ...(catalog
          ? [
              {
                name: '  ceiling: bare Fastify + pg, same SQL',
                base: ceilingUrl,
                proxy: () => [],
                serving: () => pids(ceiling),
              },
            ]
          : []),
      ];
      const totals = ways.map(() => ({ requests: 0, seconds: 0, p50: 0, p99: 0, errors: 0, proxyMs: 0, serviceMs: 0 }));
      for (const way of ways) {
        // JIT and pools warm, not counted.
        await autocannon({ url: `${way.base}${endpoint.path}`, connections, headers: endpoint.headers, duration: 2 });
      }
      // The ways take turns in rounds, so a change in the machine's load weighs on each alike.
      for (let round = 0; round < rounds; round++) {
        for (const [i, way] of ways.entries()) {
          const total = totals[i] as (typeof totals)[number];
          const proxyPids = way.proxy();
          const before = { proxy: cpuMsSoFar(proxyPids), service: cpuMsSoFar(way.serving()) };
          const result = await autocannon({
            url: `${way.base}${endpoint.path}`,
            connections,
            headers: endpoint.headers,
            duration: duration / rounds,
          });
          total.proxyMs += cpuMsSoFar(proxyPids) - before.proxy;
          total.serviceMs += cpuMsSoFar(way.serving()) - before.service;
          total.requests += result.requests.total;
          total.seconds += duration / rounds;
          total.p50 += result.latency.p50 / rounds;
          total.p99 += result.latency.p99 / rounds;
          total.errors += result.errors + result.non2xx;
        }
      }
      const measured = ways.map((way, i): Measured => {
        const total = totals[i] as (typeof totals)[number];
        const count = Math.max(1, total.requests);
        const cpu = {
          proxy: way.proxy().length > 0 ? total.proxyMs / count : undefined,
          service: total.serviceMs / count,
        };
        return {
          name: way.name,
          requests: Math.round(total.requests / total.seconds),
          p50: Math.round(total.p50),
          p99: Math.round(total.p99),
          errors: total.errors,
          cpu,
          note: `${cpu.proxy === undefined ? 'no proxy' : `proxy CPU ${micros(cpu.proxy)}/req`}, service ${micros(cpu.service)}/req`,
        };
      });
      const [through, viaNginx, , direct, bareServer] = measured as [Measured, Measured, Measured, Measured, Measured?];
      for (const row of measured) row.baseline = direct;
      rows.push(...measured);
      if (bareServer) {
        const viaGateway = through.requests / Math.max(1, bareServer.requests);
        const straight = direct.requests / Math.max(1, bareServer.requests);
        const gatewayMet = viaGateway >= CATALOG_GOAL.gateway && through.p99 < CATALOG_GOAL.gatewayP99;
        notes.push(
          `${endpoint.name}: of the ceiling's req/s, through the gateway ${percent(viaGateway)} with p99 ${through.p99} ms ` +
            `(goal: at least ${percent(CATALOG_GOAL.gateway)}, p99 under ${CATALOG_GOAL.gatewayP99} ms) ${gatewayMet ? 'met' : 'MISSED'}; ` +
            `straight to the service ${percent(straight)} (goal: at least ${percent(CATALOG_GOAL.direct)}) ${straight >= CATALOG_GOAL.direct ? 'met' : 'MISSED'}`,
        );
      }
      if (through.cpu.proxy !== undefined && viaNginx.cpu.proxy) {
        const ratio = through.cpu.proxy / viaNginx.cpu.proxy;
        notes.push(
          `${endpoint.name}: the gateway's CPU per request is ${ratio.toFixed(2)}× nginx's (goal: at most ${NGINX_GOAL}×) ${ratio <= NGINX_GOAL ? 'met' : 'MISSED'}`,
        );
      }
    }
    return {
      duration,
      rows,
      notes,
      setting: `${connections} connections, one process per service (production build)`,
    };
  } finally {
    for (const server of servers.reverse()) await stop(server);
    await dropDatabase(DATABASE_URL);
  }
}
