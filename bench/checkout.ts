/**
 * `npm run bench -- checkout`: the checkout in server mode as production runs it, one
 * process per service from the build (`node --conditions=production apps/stack/dist/service.js
 * <name>`) on PostgreSQL, RabbitMQ and Redis, the load through the gateway, next to the
 * one-transaction ceiling measured in the same run.
 *
 * - The build first (buildServer(): the server packages whose `dist/` is stale), then a
 *   fresh database shop_bench_checkout, a RabbitMQ vhost of its own, the seven services on
 *   free ports; 200 products with ample stock and 64 customers through the gateway, then
 *   ANALYZE (README "Conventions": statistics after loading).
 * - The ceiling: bench/baselines/checkout.ts, bare Fastify + `pg` taking the same request
 *   body in ONE transaction (a conditional stock UPDATE per line, the order, its lines, an
 *   outbox row), in a fresh database shop_bench_ceiling on the same server with the same
 *   200 products; no authentication, idempotency, reservation or publishing.
 * - 16 clients placing 1-line, then 3-line orders, each with its own Idempotency-Key, the
 *   next customer's token and the next products. The shop and the ceiling take turns in
 *   rounds of about 10 s (shop, ceiling, ceiling, shop, ...), so a machine getting busier
 *   or quieter weighs on both alike; p50/p99 over every response of a side's rounds.
 * - CPU per order: utime + stime (/proc/<pid>/stat) of the seven service processes and of
 *   PostgreSQL's processes working for the side's database (its backends and the server's
 *   background processes; other databases' backends, such as tests running meanwhile, are
 *   left out; the whole server's figure is printed beside it), over the side's rounds,
 *   divided by the 2xx orders. The shop's window runs until every e-mail of the round is
 *   sent, so it holds the asynchronous work an order causes (outbox relays, RabbitMQ
 *   consumers, the e-mail), and the idle polling meanwhile.
 * - The asynchronous chain: the backlog (outbox rows not yet published, e-mails not yet
 *   sent) sampled every second of the shop's rounds; order placed → confirmation e-mail
 *   sent (notification.emails.sent_at − order.orders.created_at) for every order of the
 *   load, and for a light phase of 8 clients at a quarter of the 1-line rate.
 *
 * Settings: BENCH_DATABASE_URL (its server; default postgres://postgres@127.0.0.1:5432),
 * BENCH_AMQP_URL (default amqp://guest:guest@127.0.0.1:5672; a vhost of its own is made
 * with rabbitmqctl when the broker is local), BENCH_REDIS_URL (default
 * redis://127.0.0.1:6379), BENCH_DURATION seconds per side and line count (default 20),
 * BENCH_PROFILE_DIR (each service writes a `--cpu-prof` profile of the whole run there,
 * `<service>.cpuprofile`, opened by Chrome's DevTools).
 * Linux only (/proc).
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { isolatedVhost } from '../e2e/broker.ts';
import { buildServer } from '../scripts/server-build.ts';
import {
  analyze,
  benchPort,
  codeVersion,
  cpuMsBetween,
  cpuTicks,
  dropDatabase,
  loadAverage,
  machine,
  mapLimit,
  percentile,
  positive,
  post,
  postgresPids,
  postgresServerPids,
  type Report,
  type Row,
  range,
  recreateDatabase,
  sleep,
  startProcess,
  stop,
  withClient,
  withDatabase,
} from './lib.ts';
import { login, SERVICES, type Service, seedProducts, shopEnvironment } from './shop-topology.ts';

const SERVER_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/shop_bench';
const DATABASE_URL = withDatabase(SERVER_URL, 'shop_bench_checkout');
const CEILING_URL = withDatabase(SERVER_URL, 'shop_bench_ceiling');
const AMQP_URL = process.env.BENCH_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

const CUSTOMER_PASSWORD = 'bench-customer-password';
const PRODUCTS = 200;
const STOCK = 1_000_000;
const CUSTOMERS = 64;
const CLIENTS = 16;
const LINES = [1, 3];
const ROUND_SECONDS = 10;
const WARM_UP_SECONDS = 3;
/** The light phase: 8 clients held to a quarter of the 1-line rate, so nothing queues. */
const LIGHT = { clients: 8, seconds: 10, share: 0.25 };
/** Access tokens live 15 minutes; log in again before a round when they are older than this. */
const TOKEN_REFRESH_MS = 10 * 60_000;
/** Waiting for e-mails gives up after this long without one more sent. */
const DRAIN_STALL_MS = 30_000;
const BACKLOG_SAMPLE_MS = 1_000;

/** `node --cpu-prof` for a service, when BENCH_PROFILE_DIR asks for profiles. */
function profile(service: Service): string[] {
  const dir = process.env.BENCH_PROFILE_DIR;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${service}.cpuprofile`] : [];
}

/** Where orders go and what each side's CPU is read from. */
interface Target {
  key: 'shop' | 'ceiling';
  url: string;
  databaseUrl: string;
  /** The Node processes serving it. */
  pids: number[];
  /** What each of `pids` runs, for the CPU split by process. */
  names: Map<number, string>;
  /** Headers of the n-th order. */
  headers(n: number): Record<string, string>;
}

/** What one side's rounds at one line count added up to. */
interface Side {
  orders: number;
  seconds: number;
  errors: number;
  failures: Map<string, number>;
  latencies: number[];
  /** CPU ms of the Node processes, of PostgreSQL for the side's database, of the whole PostgreSQL server. */
  cpu: { node: number; postgres: number; server: number };
  /** CPU ms of each Node process by what it runs (`gateway`, `order`, ...). */
  byProcess: Map<string, number>;
  /** The shop's CPU ms until the end of the load alone, without the asynchronous work after it. */
  cpuAtLoadEnd: { node: number; postgres: number };
  /** The backlog's samples, a list per round. */
  backlog: BacklogSample[][];
  drains: Drain[];
}

interface BacklogSample {
  /** Seconds into the round. */
  at: number;
  outbox: number;
  emails: number;
}

interface Drain {
  done: boolean;
  seconds: number;
  orders: number;
  sent: number;
}

export async function checkoutScenario(): Promise<Report> {
  const duration = positive('BENCH_DURATION', 20);
  const rounds = Math.max(1, Math.round(duration / ROUND_SECONDS));
  const roundSeconds = Math.max(1, Math.round(duration / rounds));
  const loadBefore = loadAverage();
  const step = (text: string) => console.log(`checkout: ${text}`);
  step('building the server packages (npm run build without the web app)');
  await buildServer();
  const code = codeVersion();
  const logDir = mkdtempSync(join(tmpdir(), 'shop-bench-checkout-'));
  const children: ChildProcess[] = [];
  let removeVhost = async () => {};
  try {
    // 1. Fresh databases, a vhost, the seven services from the build and the ceiling.
    step('fresh databases and vhost, the seven services (node --conditions=production apps/stack/dist/service.js)');
    await recreateDatabase(DATABASE_URL);
    await recreateDatabase(CEILING_URL);
    const vhost = await isolatedVhost(AMQP_URL);
    removeVhost = vhost.remove;
    const { env, urls } = await settings(vhost.url);
    const servicePids: number[] = [];
    const serviceNames = new Map<number, string>();
    const start = async (service: Service) => {
      const child = await startProcess(
        process.execPath,
        [...profile(service), '--conditions=production', 'apps/stack/dist/service.js', service],
        env,
        `${urls[service]}/health/${service === 'gateway' ? 'ready' : 'live'}`,
        { logFile: join(logDir, `${service}.log`), attempts: 480 },
      );
      children.push(child);
      servicePids.push(child.pid as number);
      serviceNames.set(child.pid as number, service);
    };
    // The account service first: it creates the signing keys the others' token checks read.
    await start('account');
    // All settled before a failure is thrown, so that every one started is stopped.
    const middle = SERVICES.filter((each) => each !== 'account' && each !== 'gateway');
    const failed = (await Promise.allSettled(middle.map(start))).find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    await start('gateway');

    const ceilingPort = await benchPort();
    const ceilingUrl = `http://127.0.0.1:${ceilingPort}`;
    const ceilingProcess = await startProcess(
      process.execPath,
      ['--import', 'tsx', 'bench/baselines/checkout.ts'],
      { DATABASE_URL: CEILING_URL, PORT: String(ceilingPort), PRODUCTS: String(PRODUCTS), STOCK: String(STOCK) },
      `${ceilingUrl}/health/live`,
      { logFile: join(logDir, 'ceiling.log') },
    );
    children.push(ceilingProcess);

    // 2. Catalog and customers through the gateway, then statistics.
    step(`seeding ${PRODUCTS} products and ${CUSTOMERS} customers through the gateway`);
    const productIds = await seedProducts(urls.gateway, 'Checkout', PRODUCTS, STOCK);
    const emails = range(CUSTOMERS).map((i) => `bench-${i + 1}@example.com`);
    // argon2id runs per registration and login: a few at a time keeps the two cores busy.
    await mapLimit(emails, 4, (email, i) =>
      post(
        `${urls.gateway}/api/auth/register`,
        JSON.stringify({ email, name: `Bench customer ${i + 1}`, password: CUSTOMER_PASSWORD }),
        'application/json',
      ),
    );
    let tokens = await mapLimit(emails, 4, (email) => login(urls.gateway, email, CUSTOMER_PASSWORD));
    let loggedInAt = Date.now();
    await analyze(DATABASE_URL);
    const machineText = await machine(DATABASE_URL);

    const runId = randomBytes(4).toString('hex');
    const shop: Target = {
      key: 'shop',
      url: urls.gateway,
      databaseUrl: DATABASE_URL,
      pids: servicePids,
      names: serviceNames,
      headers: (n) => ({
        authorization: `Bearer ${tokens[n % tokens.length]}`,
        'idempotency-key': `bench-${runId}-${n}`,
      }),
    };
    const ceiling: Target = {
      key: 'ceiling',
      url: ceilingUrl,
      databaseUrl: CEILING_URL,
      pids: [ceilingProcess.pid as number],
      names: new Map([[ceilingProcess.pid as number, 'ceiling']]),
      headers: (n) => ({ 'x-customer-id': String((n % CUSTOMERS) + 1) }),
    };
    let sequence = 0;
    const refreshTokens = async () => {
      if (Date.now() - loggedInAt < TOKEN_REFRESH_MS) return;
      tokens = await mapLimit(emails, 4, (email) => login(urls.gateway, email, CUSTOMER_PASSWORD));
      loggedInAt = Date.now();
    };
    const load = (target: Target, lines: number, seconds: number, side: Side, clients = CLIENTS, rate?: number) =>
      placeOrders({ target, lines, seconds, clients, rate, productIds, side, next: () => sequence++ });

    // 3. Warm-up (not counted): JIT, pools and prepared statements on both sides.
    step('warm-up (not counted)');
    await load(shop, 1, WARM_UP_SECONDS, emptySide());
    await load(ceiling, 1, WARM_UP_SECONDS, emptySide());
    await drainEmails();
    await analyze(DATABASE_URL); // the order, reservation and e-mail tables hold rows now
    await analyze(CEILING_URL);

    // 4. The load: the two sides take turns.
    const rows: Row[] = [];
    const sides = new Map<number, { shop: Side; ceiling: Side }>();
    const loadFrom = await lastOrderId();
    const loadStarted = Date.now();
    for (const lines of LINES) {
      const both = { shop: emptySide(), ceiling: emptySide() };
      sides.set(lines, both);
      for (const round of range(rounds)) {
        const turn = round % 2 === 0 ? [shop, ceiling] : [ceiling, shop];
        for (const target of turn) {
          step(
            `${lines} line${lines === 1 ? '' : 's'}, round ${round + 1}/${rounds}, ${target.key}: ${roundSeconds} s`,
          );
          if (target.key === 'shop') await refreshTokens();
          await measuredRound(target, lines, roundSeconds, both[target.key], load, drainEmails);
        }
      }
      const name = `${lines} line${lines === 1 ? '' : 's'}, ${CLIENTS} clients`;
      const ceilingRow = sideRow(`  ceiling: one transaction, bare Fastify + pg`, both.ceiling);
      const shopRow = sideRow(`shop: POST /api/orders via the gateway, ${name}`, both.shop);
      shopRow.baseline = ceilingRow;
      rows.push(shopRow, ceilingRow);
    }
    const loadTo = await lastOrderId();
    const loadSeconds = (Date.now() - loadStarted) / 1000;

    // 5. A light phase: the e-mail path without a backlog in front of it.
    const reference = sides.get(1)?.shop;
    const referenceRate = reference ? reference.orders / Math.max(1, reference.seconds) : 0;
    const lightRate = Math.max(2, Math.round(referenceRate * LIGHT.share));
    const lightSeconds = Math.min(LIGHT.seconds, duration);
    step(`light phase: ${LIGHT.clients} clients, at most ${lightRate} orders/s, ${lightSeconds} s`);
    const light = emptySide();
    await refreshTokens();
    await load(shop, 1, lightSeconds, light, LIGHT.clients, lightRate);
    const lightDrain = await drainEmails();
    const lightRow = sideRow(`shop: 1 line, ${LIGHT.clients} clients, ≤ ${lightRate}/s (light)`, light);
    lightRow.note = drainNote([lightDrain]);
    rows.push(lightRow);
    const lightTo = await lastOrderId();

    const underLoad = await emailLatency(loadFrom, loadTo);
    const lightLatency = await emailLatency(loadTo, lightTo);
    const tables = await tableStats();

    const latencyLine = (label: string, stats: Latency) =>
      `  ${label.padEnd(52)} ${String(stats.count).padStart(6)} orders  p50 ${fmt(stats.p50)} ms  p99 ${fmt(stats.p99)} ms  max ${fmt(stats.max)} ms` +
      `  (p50 ${fmt(stats.toRow)} ms to the e-mail row, ${fmt(stats.toSent)} ms from there to sent)` +
      (stats.missing > 0 ? `  ${stats.missing} WITHOUT a sent e-mail` : '');
    const notes = [
      '',
      `Machine: ${machineText}. Code: ${code}.`,
      `req/s: 2xx orders per second over ${rounds} round${rounds === 1 ? '' : 's'} of ${roundSeconds} s per side, the two sides taking turns;`,
      'p50/p99 over every response of those rounds; errors: non-2xx, connection errors and timeouts; vs baseline: shop ÷ ceiling.',
      'The ceiling: bench/baselines/checkout.ts, one transaction per order (a conditional stock UPDATE per line, the order, its lines,',
      'an outbox row) on the same PostgreSQL and the same 200 products; nothing publishes its outbox.',
      '',
      'CPU per 2xx order (utime + stime from /proc): Node = the seven service processes (the shop) or the ceiling server;',
      "PostgreSQL = the backends of the side's database and the server's background processes; the shop's window runs until",
      'every e-mail of the round is sent (the asynchronous work included); in brackets: the whole PostgreSQL server.',
      ...LINES.flatMap((lines) => {
        const both = sides.get(lines) as { shop: Side; ceiling: Side };
        return [
          ...cpuLines(`${lines} line${lines === 1 ? '' : 's'}, shop`, both.shop, both.ceiling),
          ...cpuLines(`${lines} line${lines === 1 ? '' : 's'}, ceiling`, both.ceiling),
        ];
      }),
      '',
      'The asynchronous chain: backlog during the shop rounds (outbox rows not published in every schema / e-mails not sent),',
      'sampled every second: the highest, the last at the end of the round, and how fast it grew over the round (least squares):',
      ...LINES.map((lines) => backlogLine(lines, sides.get(lines)?.shop as Side)),
      'Order placed → confirmation e-mail sent (notification.emails.sent_at − order.orders.created_at):',
      latencyLine(`under the load (all shop rounds above, ${loadSeconds.toFixed(0)} s)`, underLoad),
      latencyLine(`light phase (${LIGHT.clients} clients, ≤ ${lightRate} orders/s, ${lightSeconds} s)`, lightLatency),
      '',
      `After the run: ${tables}`,
      `Load average (1/5/15 min): ${loadBefore} before the scenario, ${loadAverage()} after it.`,
      `Services' output: ${logDir} (${logSummary(logDir)})`,
    ];
    return {
      duration: rounds * roundSeconds,
      rows,
      setting: `orders at ${CLIENTS} clients, ${PRODUCTS} products, ${CUSTOMERS} customers, one process per service from the build, through the gateway`,
      notes,
    };
  } finally {
    for (const child of [...children].reverse()) await stop(child);
    await dropDatabase(CEILING_URL).catch(() => undefined);
    await removeVhost().catch(() => undefined);
  }
}

/** The services' environment on free ports. */
async function settings(amqpUrl: string) {
  const ports: number[] = [];
  for (const _ of range(SERVICES.length + 1)) ports.push(await benchPort());
  return shopEnvironment({ databaseUrl: DATABASE_URL, amqpUrl, redisUrl: REDIS_URL, ports });
}

function emptySide(): Side {
  return {
    orders: 0,
    seconds: 0,
    errors: 0,
    failures: new Map(),
    latencies: [],
    cpu: { node: 0, postgres: 0, server: 0 },
    byProcess: new Map(),
    cpuAtLoadEnd: { node: 0, postgres: 0 },
    backlog: [],
    drains: [],
  };
}

/**
 * One round of one side, its CPU time read around it. The shop's round also samples the
 * backlog and lasts until every e-mail of its orders is sent.
 */
async function measuredRound(
  target: Target,
  lines: number,
  seconds: number,
  side: Side,
  load: (target: Target, lines: number, seconds: number, side: Side) => Promise<void>,
  drainEmails: () => Promise<Drain>,
): Promise<void> {
  const sampler = target.key === 'shop' ? await backlogSampler() : undefined;
  try {
    const pgBefore = await postgresPids(target.databaseUrl);
    const exclude = new Set(sampler ? [sampler.pid] : []);
    const nodeBefore = cpuTicks(target.pids);
    const postgresBefore = cpuTicks(pgBefore.filter((pid) => !exclude.has(pid)));
    const serverBefore = cpuTicks(postgresServerPids());
    sampler?.start();
    await load(target, lines, seconds, side);
    const readPostgres = async () => cpuTicks((await postgresPids(target.databaseUrl)).filter((p) => !exclude.has(p)));
    if (sampler) {
      await sampler.stop();
      side.cpuAtLoadEnd.node += cpuMsBetween(nodeBefore, cpuTicks(target.pids));
      side.cpuAtLoadEnd.postgres += cpuMsBetween(postgresBefore, await readPostgres());
      side.backlog.push(sampler.samples);
      side.drains.push(await drainEmails());
    }
    const nodeAfter = cpuTicks(target.pids);
    side.cpu.node += cpuMsBetween(nodeBefore, nodeAfter);
    for (const [pid, name] of target.names) {
      const one = (ticks: Map<number, number>) => new Map([[pid, ticks.get(pid) ?? 0]]);
      side.byProcess.set(name, (side.byProcess.get(name) ?? 0) + cpuMsBetween(one(nodeBefore), one(nodeAfter)));
    }
    side.cpu.postgres += cpuMsBetween(postgresBefore, await readPostgres());
    side.cpu.server += cpuMsBetween(serverBefore, cpuTicks(postgresServerPids()));
  } finally {
    await sampler?.close();
  }
}

/** Samples the shop's backlog every second on a connection of its own (its backend's CPU is not the shop's). */
async function backlogSampler() {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  const pid = ((await client.query('select pg_backend_pid() as pid')).rows[0] as { pid: number }).pid;
  const samples: BacklogSample[] = [];
  let timer: NodeJS.Timeout | undefined;
  let started = 0;
  let pending: Promise<void> = Promise.resolve();
  const take = () => {
    pending = pending.then(async () => {
      const at = (Date.now() - started) / 1000;
      samples.push({ at, ...(await backlog(client)) });
    });
  };
  return {
    pid,
    samples,
    start() {
      started = Date.now();
      take();
      timer = setInterval(take, BACKLOG_SAMPLE_MS);
    },
    async stop() {
      clearInterval(timer);
      take();
      await pending;
    },
    async close() {
      clearInterval(timer);
      await pending.catch(() => undefined);
      await client.end();
    },
  };
}

/** Outbox rows not yet published (every schema's outbox) and e-mails neither sent nor failed. */
async function backlog(client: pg.Client): Promise<{ outbox: number; emails: number }> {
  const result = await client.query<{ outbox: number; emails: number }>(
    `select ((select count(*) from "order".outbox where published_at is null)
           + (select count(*) from product.outbox where published_at is null)
           + (select count(*) from account.outbox where published_at is null))::int as outbox,
            (select count(*) from notification.emails where status not in ('sent', 'failed'))::int as emails`,
  );
  return result.rows[0] as { outbox: number; emails: number };
}

/** Orders as fast as they answer (or at `rate` a second over all clients), every latency kept. */
async function placeOrders(options: {
  target: Target;
  lines: number;
  seconds: number;
  clients: number;
  rate?: number;
  productIds: number[];
  side: Side;
  next: () => number;
}): Promise<void> {
  const { target, lines, productIds, side } = options;
  const spread = Math.floor(productIds.length / lines); // distinct products in one order
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${target.url}/api/orders`,
        connections: options.clients,
        duration: options.seconds,
        ...(options.rate ? { overallRate: options.rate } : {}),
        requests: [
          {
            method: 'POST',
            path: '/api/orders',
            setupRequest: (request) => {
              const n = options.next();
              const items = range(lines).map((k) => ({
                product_id: productIds[(n + k * spread) % productIds.length] as number,
                quantity: 1,
              }));
              return {
                ...request,
                headers: { 'content-type': 'application/json', ...target.headers(n) },
                body: JSON.stringify({ items }),
              };
            },
          },
        ],
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => side.latencies.push(responseTime));
  });
  side.orders += result['2xx'];
  side.seconds += result.duration;
  side.errors += result.errors + result.non2xx;
  const found = Object.entries(result.statusCodeStats ?? {})
    .filter(([code]) => !code.startsWith('2'))
    .map(([code, stats]): [string, number] => [code, stats.count ?? 0]);
  if (result.errors > result.timeouts) found.push(['connection errors', result.errors - result.timeouts]);
  if (result.timeouts > 0) found.push(['timeouts', result.timeouts]);
  for (const [kind, count] of found) side.failures.set(kind, (side.failures.get(kind) ?? 0) + count);
}

function sideRow(name: string, side: Side): Row {
  const cpu = side.cpu.node + side.cpu.postgres;
  return {
    name,
    requests: Math.round(side.orders / Math.max(side.seconds, 1e-9)),
    p50: round1(percentile(side.latencies, 50)),
    p99: round1(percentile(side.latencies, 99)),
    errors: side.errors,
    note: [
      side.orders > 0 ? `CPU ${perOrder(cpu, side.orders)} ms per order` : '',
      side.drains.length > 0 ? drainNote(side.drains) : '',
      ...[...side.failures].map(([kind, count]) => `${kind}×${count}`),
    ]
      .filter(Boolean)
      .join('; '),
  };
}

/** A side's CPU per order; the shop's with its share by service and, as `versus` the ceiling's, how many times that it is. */
function cpuLines(label: string, side: Side, versus?: Side): string[] {
  const { node, postgres, server } = side.cpu;
  const total = (each: Side) => (each.cpu.node + each.cpu.postgres) / Math.max(1, each.orders);
  const times =
    versus && versus.orders > 0 && side.orders > 0
      ? `, ${(total(side) / total(versus)).toFixed(0)}× the ceiling's`
      : '';
  const lines = [
    `  ${label.padEnd(16)} ${perOrder(node + postgres, side.orders).padStart(6)} ms per order` +
      ` = Node ${perOrder(node, side.orders)} + PostgreSQL ${perOrder(postgres, side.orders)}` +
      ` (whole server ${perOrder(server, side.orders)}), ${side.orders} orders${times}`,
  ];
  if (side.byProcess.size > 1) {
    const atLoadEnd = side.cpuAtLoadEnd.node + side.cpuAtLoadEnd.postgres;
    const byService = [...side.byProcess]
      .sort(([, x], [, y]) => y - x)
      .map(([name, ms]) => `${name} ${perOrder(ms, side.orders)}`);
    lines.push(
      `  ${''.padEnd(16)} Node by service: ${byService.join(', ')}; until the end of the load alone: ${perOrder(atLoadEnd, side.orders)} ms in all`,
    );
  }
  return lines;
}

function backlogLine(lines: number, side: Side): string {
  const rounds = side.backlog;
  const describe = (key: 'outbox' | 'emails') => {
    const values = rounds.flat().map((sample) => sample[key]);
    const last = rounds.map((round) => round.at(-1)?.[key] ?? 0).join(', ');
    const growth = rounds
      .map((round) => slope(round.map((sample) => [sample.at, sample[key]])))
      .map((s) => s.toFixed(1));
    return `${key === 'outbox' ? 'outbox' : 'e-mails'} highest ${values.length ? Math.max(...values) : 0}, at the end ${last}, growing ${growth.join(', ')} /s`;
  };
  return `  ${lines} line${lines === 1 ? '' : 's'}: ${describe('outbox')}; ${describe('emails')}; ${drainNote(side.drains)}`;
}

/** Least-squares slope of y over x: rows a second by which a backlog grew. */
function slope(points: ReadonlyArray<[number, number]>): number {
  if (points.length < 2) return 0;
  const n = points.length;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / n;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / n;
  const num = points.reduce((sum, [x, y]) => sum + (x - meanX) * (y - meanY), 0);
  const den = points.reduce((sum, [x]) => sum + (x - meanX) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

/**
 * Waits for the orders still in flight when autocannon stopped (it does not wait for
 * them), then until every order has its confirmation e-mail sent (or failed), or progress
 * stalls. Orders and e-mails are matched by event id.
 */
async function drainEmails(): Promise<Drain> {
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
    await sleep(500);
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

function drainNote(drains: readonly Drain[]): string {
  const missing = drains.filter((drain) => !drain.done);
  if (missing.length > 0) {
    const last = missing.at(-1) as Drain;
    return `e-mails NOT all sent: ${last.orders - last.sent} of ${last.orders} missing ${last.seconds.toFixed(0)} s after a round`;
  }
  return `e-mails all sent ${drains.map((drain) => drain.seconds.toFixed(1)).join(', ')} s after the round${drains.length === 1 ? '' : 's'}`;
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

/** Dead rows left by the run in the tables every order updates, and whether autovacuum clears them. */
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
    const autovacuum = (await client.query<{ autovacuum: string }>('show autovacuum')).rows[0]?.autovacuum;
    const tables = result.rows
      .map((row) => `${row.name} ${row.live} live / ${row.dead} dead (${row.hot} of ${row.updates} updates HOT)`)
      .join('; ');
    return `(autovacuum ${autovacuum}) ${tables}`;
  });
}

/** Counts the services' warnings and errors (pino levels 40, 50, 60). */
function logSummary(logDir: string): string {
  let warnings = 0;
  let errors = 0;
  for (const service of SERVICES) {
    let text = '';
    try {
      text = readFileSync(join(logDir, `${service}.log`), 'utf8');
    } catch {
      continue;
    }
    const count = (level: number) => text.split('\n').filter((line) => line.includes(`"level":${level}`)).length;
    warnings += count(40);
    errors += count(50) + count(60);
  }
  return `${warnings} warnings, ${errors} errors`;
}

function perOrder(ms: number, orders: number): string {
  return orders > 0 ? (ms / orders).toFixed(2) : '–';
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

function fmt(value: number): string {
  return Number.isNaN(value) ? '–' : value >= 100 ? value.toFixed(0) : value.toFixed(1);
}
