/**
 * `npm run bench -- memory`: what each service's process holds in memory, idle and under
 * the checkout load, run the two ways side by side in one run: as the README documented it
 * before the production build (`npm run start:service -- <name>`: npm → sh → tsx → node,
 * from the TypeScript sources) and from the build (`node --conditions=production
 * apps/stack/dist/service.js <name>`, one process).
 *
 * Each way: the seven services in server mode, a process (tree) each, on a fresh database of
 * its own on BENCH_DATABASE_URL's server, a RabbitMQ vhost of its own, Redis (carts under a
 * prefix of their own), ports 18410-18416 and 18420-18426.
 * - Idle: once both are ready and a few requests have passed through each gateway, 60 s
 *   later (and, for comparison, 5 s later), the median of five samples of VmRSS
 *   (/proc/<pid>/status): for the npm way the sum over the process tree, and the service's
 *   node process alone; and the PSS of every process (/proc/<pid>/smaps_rollup).
 * - Under load: 50 products and 16 customers through each gateway, then 16 clients placing
 *   single-line orders through the gateway (each with its own Idempotency-Key) for
 *   BENCH_DURATION s per way (default 15), in 5 s rounds taking turns (tsx, built, built,
 *   tsx, ...), so that a machine getting busier or quieter meanwhile weighs on both alike.
 *   VmRSS of the loaded way sampled every 250 ms (the peak per service), and the CPU time
 *   (utime + stime) of its every process over its rounds, per order.
 *
 * Settings: BENCH_DATABASE_URL (its server; default postgres://postgres@127.0.0.1:5432),
 * BENCH_AMQP_URL (default amqp://guest:guest@127.0.0.1:5672; a vhost of its own is made
 * with rabbitmqctl when the broker is local), BENCH_REDIS_URL (default
 * redis://127.0.0.1:6379), BENCH_DURATION. Linux only (/proc).
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import autocannon from 'autocannon';
import { isolatedVhost } from '../e2e/broker.ts';
import { buildServer } from '../scripts/server-build.ts';
import {
  analyze,
  cpuMsSoFar,
  dropDatabase,
  loadAverage,
  mapLimit,
  percentile,
  positive,
  post,
  processStat,
  type Report,
  type Row,
  range,
  recreateDatabase,
  sleep,
  startProcess,
  stop,
  withDatabase,
} from './lib.ts';
import { login, SERVICES, type Service, seedProducts, shopEnvironment } from './shop-topology.ts';

const SERVER_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/shop_bench';
const AMQP_URL = process.env.BENCH_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

const CUSTOMER_PASSWORD = 'bench-customer-password';
const PRODUCTS = 50;
const CUSTOMERS = 16;
const CLIENTS = 16;
const STOCK = 1_000_000;
const ROUND_SECONDS = 5;
const SAMPLE_MS = 250;
/**
 * Idle is sampled twice after the warm-up: soon after, and once V8's memory reducer has
 * run (on this machine 25-35 s into a quiet process, it gives back a third of the heap
 * start-up grew).
 */
const IDLE_AFTER_MS = { fresh: 5_000, settled: 60_000 };
const IDLE_SAMPLES = 5;

/** One way of running a service. */
interface Way {
  key: 'tsx' | 'built';
  /** The command, as a reader would type it. */
  title: string;
  /** The account service's port; the others follow, then the gateway's metrics port. */
  firstPort: number;
  command(service: Service): { command: string; args: string[] };
}

const WAYS: [Way, Way] = [
  {
    key: 'tsx',
    title: 'npm run start:service -- <name>',
    firstPort: 18410,
    command: (service) => ({ command: 'npm', args: ['run', 'start:service', '--', service] }),
  },
  {
    key: 'built',
    title: 'node --conditions=production apps/stack/dist/service.js <name>',
    firstPort: 18420,
    command: (service) => ({
      command: process.execPath,
      args: ['--conditions=production', 'apps/stack/dist/service.js', service],
    }),
  },
];

/** KiB of VmRSS: the whole process tree, and the service's own node process. */
interface Memory {
  tree: number;
  main: number;
}

/** A sample of every service, and the seven together. */
type Sample = Record<Service | 'total', Memory>;

/** One way's seven services, running. */
interface Topology {
  way: Way;
  databaseUrl: string;
  gateway: string;
  children: ChildProcess[];
  removeVhost: () => Promise<void>;
  /** Seconds from the first start until the gateway was ready. */
  startup: number;
  trees: Record<Service, ProcessTree>;
  pids: number[];
}

/** What the load rounds of one way added up to. */
interface Load {
  samples: Sample[];
  cpuMs: number;
  orders: number;
  seconds: number;
  errors: number;
  /** Failed requests by kind, e.g. `503` or `timeouts`. */
  failures: Map<string, number>;
  p50s: number[];
  p99s: number[];
}

export async function memoryScenario(): Promise<Report> {
  const duration = positive('BENCH_DURATION', 15);
  const rounds = Math.max(1, Math.round(duration / ROUND_SECONDS));
  const loadBefore = loadAverage();
  const step = (text: string) => console.log(`memory: ${text}`);
  step('building the server packages (npm run build without the web app)');
  await buildServer();
  const logDir = mkdtempSync(join(tmpdir(), 'shop-bench-memory-'));
  const topologies: Topology[] = [];
  try {
    for (const way of WAYS) {
      step(`${way.key}: fresh database and vhost, the seven services (${way.title})`);
      topologies.push(await startTopology(way, logDir));
    }
    const [tsx, built] = topologies as [Topology, Topology];

    step(`warm-up, then idle for ${IDLE_AFTER_MS.settled / 1000} s`);
    for (const topology of topologies) await warmUp(topology.gateway);
    const quietSince = Date.now();
    const idleSamples = async (afterMs: number) => {
      await sleep(quietSince + afterMs - Date.now());
      const samples = new Map<Topology, Sample[]>(topologies.map((topology) => [topology, []]));
      for (const _ of range(IDLE_SAMPLES)) {
        for (const topology of topologies) samples.get(topology)?.push(sample(topology.trees));
        await sleep(SAMPLE_MS);
      }
      return (topology: Topology) => medianSample(samples.get(topology) ?? []);
    };
    const fresh = await idleSamples(IDLE_AFTER_MS.fresh);
    const idle = await idleSamples(IDLE_AFTER_MS.settled);
    const idlePss = new Map(topologies.map((each) => [each, each.pids.reduce((sum, pid) => sum + pss(pid), 0)]));

    step(`seeding ${PRODUCTS} products and ${CUSTOMERS} customers through each gateway`);
    const shops = new Map<Topology, Shop>();
    for (const topology of topologies) {
      shops.set(topology, await seed(topology.gateway));
      await analyze(topology.databaseUrl);
    }

    const loads = new Map<Topology, Load>(topologies.map((topology) => [topology, emptyLoad()]));
    for (const round of range(rounds)) {
      const turn = round % 2 === 0 ? [tsx, built] : [built, tsx];
      for (const topology of turn) {
        step(
          `round ${round + 1}/${rounds}, ${topology.way.key}: ${CLIENTS} clients placing orders for ${ROUND_SECONDS} s`,
        );
        await loadRound(topology, shops.get(topology) as Shop, loads.get(topology) as Load);
      }
    }

    const rowOf = (topology: Topology): Row => {
      const load = loads.get(topology) as Load;
      const cpuMs = load.cpuMs;
      return {
        name: `POST /api/orders via the gateway, ${topology.way.key === 'tsx' ? 'npm run start:service' : 'built'}`,
        requests: Math.round(load.orders / load.seconds),
        p50: percentile(load.p50s, 50),
        p99: Math.max(...load.p99s),
        errors: load.errors,
        note: [
          `CPU ${(cpuMs / Math.max(1, load.orders)).toFixed(1)} ms per order`,
          ...[...load.failures].map(([kind, count]) => `${kind}×${count}`),
        ].join('; '),
      };
    };
    const tsxRow = rowOf(tsx);
    const builtRow = rowOf(built);
    tsxRow.baseline = tsxRow;
    builtRow.baseline = tsxRow;
    const memory = {
      tsx: { idle: idle(tsx), peak: highestSample(loads.get(tsx)?.samples ?? []) },
      built: { idle: idle(built), peak: highestSample(loads.get(built)?.samples ?? []) },
    };
    return {
      duration: rounds * ROUND_SECONDS,
      rows: [tsxRow, builtRow],
      setting: `${CLIENTS} clients, ${PRODUCTS} products, ${CUSTOMERS} customers, the seven services each way, in ${rounds} rounds of ${ROUND_SECONDS} s taking turns`,
      notes: [
        "req/s: 2xx orders per second through the gateway over the rounds; p50: the median of the rounds' p50s; p99: the highest of their p99s;",
        'vs baseline: built ÷ npm run start:service; CPU: utime + stime of every process of the seven services over the rounds, per 2xx order.',
        '',
        `VmRSS in MiB. tsx: ${tsx.way.title} (tree: every process of it; node: the service's own process);`,
        `built: ${built.way.title}. Idle: median of ${IDLE_SAMPLES} samples ${IDLE_AFTER_MS.settled / 1000} s after a warm-up;`,
        `peak: highest of the samples every ${SAMPLE_MS} ms during the way's load rounds; total: the seven together.`,
        ...memoryTable(memory.tsx, memory.built),
        `${IDLE_AFTER_MS.fresh / 1000} s after the warm-up, before V8's memory reducer ran, the seven together held: ` +
          `tsx tree ${mib(fresh(tsx).total.tree)}, tsx node ${mib(fresh(tsx).total.main)}, built ${mib(fresh(built).total.tree)}.`,
        '',
        ...topologies.map(
          (topology) =>
            `${topology.way.key.padEnd(5)}: ${topology.pids.length} processes, ready in ${topology.startup.toFixed(1)} s (account, then four at once, then the gateway); ` +
            `idle PSS of them all ${mib(idlePss.get(topology) ?? 0)} MiB (shared pages counted once)`,
        ),
        `Processes of a service: tsx ${tsx.trees.account.names}; built ${built.trees.account.names}.`,
        `Load average (1/5/15 min): ${loadBefore} before the scenario, ${loadAverage()} after it.`,
        `Services' output: ${logDir}`,
      ],
    };
  } finally {
    for (const topology of topologies.reverse()) await stopTopology(topology);
  }
}

async function startTopology(way: Way, logDir: string): Promise<Topology> {
  const databaseUrl = withDatabase(SERVER_URL, `shop_bench_memory_${way.key}`);
  await recreateDatabase(databaseUrl);
  const vhost = await isolatedVhost(AMQP_URL);
  const topology: Topology = {
    way,
    databaseUrl,
    gateway: '',
    children: [],
    removeVhost: vhost.remove,
    startup: 0,
    trees: {} as Topology['trees'],
    pids: [],
  };
  const children = new Map<Service, ChildProcess>();
  try {
    const { env, urls } = await settings(way, databaseUrl, vhost.url);
    topology.gateway = urls.gateway;
    const start = async (service: Service) => {
      const { command, args } = way.command(service);
      const path = service === 'gateway' ? 'ready' : 'live';
      const child = await startProcess(command, args, env, `${urls[service]}/health/${path}`, {
        logFile: join(logDir, `${way.key}-${service}.log`),
        attempts: 480,
      });
      children.set(service, child);
      topology.children.push(child);
    };
    const started = performance.now();
    // The account service first: it creates the signing keys the others' token checks read.
    await start('account');
    // All settled before a failure is thrown, so that every one started is stopped.
    const middle = SERVICES.filter((each) => each !== 'account' && each !== 'gateway');
    const failed = (await Promise.allSettled(middle.map(start))).find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    await start('gateway');
    topology.startup = (performance.now() - started) / 1000;
    for (const service of SERVICES) topology.trees[service] = processTree(children.get(service)?.pid as number);
    topology.pids = SERVICES.flatMap((service) => topology.trees[service].pids);
    return topology;
  } catch (error) {
    await stopTopology(topology);
    throw error;
  }
}

async function stopTopology(topology: Topology): Promise<void> {
  for (const child of [...topology.children].reverse()) await stop(child);
  await dropDatabase(topology.databaseUrl).catch(() => undefined);
  await topology.removeVhost().catch(() => undefined);
}

function emptyLoad(): Load {
  return { samples: [], cpuMs: 0, orders: 0, seconds: 0, errors: 0, failures: new Map(), p50s: [], p99s: [] };
}

/** One round of orders on one way, sampling its memory, added to its `load`. */
async function loadRound(topology: Topology, shop: Shop, load: Load): Promise<void> {
  const cpuBefore = cpuMsSoFar(topology.pids);
  let failure: unknown; // a service gone: thrown after the round, so the caller's finally stops the rest
  const sampler = setInterval(() => {
    try {
      load.samples.push(sample(topology.trees));
    } catch (error) {
      failure ??= error;
    }
  }, SAMPLE_MS);
  try {
    const result = await placeOrders(topology.gateway, shop, ROUND_SECONDS);
    load.orders += result['2xx'];
    load.seconds += result.duration;
    load.errors += result.errors + result.non2xx;
    load.p50s.push(result.latency.p50);
    load.p99s.push(result.latency.p99);
    for (const [kind, count] of failures(result)) load.failures.set(kind, (load.failures.get(kind) ?? 0) + count);
  } finally {
    clearInterval(sampler);
  }
  if (failure) throw failure;
  load.samples.push(sample(topology.trees));
  load.cpuMs += cpuMsSoFar(topology.pids) - cpuBefore;
}

/** The environment of one way's services, on its own run of ports. */
async function settings(way: Way, databaseUrl: string, amqpUrl: string) {
  const ports = range(SERVICES.length + 1).map((index) => way.firstPort + index);
  for (const port of ports) await assertFree(port);
  return shopEnvironment({ databaseUrl, amqpUrl, redisUrl: REDIS_URL, ports });
}

/** A few requests through the gateway to every service that answers the public, so each has served. */
async function warmUp(gateway: string): Promise<void> {
  for (const _ of range(5)) {
    for (const path of ['/api/products', '/api/categories', '/.well-known/jwks.json', '/health/ready']) {
      const response = await fetch(`${gateway}${path}`);
      if (!response.ok) throw new Error(`warm-up: GET ${path} answered ${response.status}`);
      await response.arrayBuffer();
    }
  }
}

interface Shop {
  productIds: number[];
  tokens: string[];
}

/** Products with ample stock and signed-in customers, through the public API as a client would. */
async function seed(gateway: string): Promise<Shop> {
  const productIds = await seedProducts(gateway, 'Memory', PRODUCTS, STOCK);
  const emails = range(CUSTOMERS).map((i) => `bench-${i + 1}@example.com`);
  // argon2id runs per registration and login: a few at a time.
  await mapLimit(emails, 4, (email, i) =>
    post(
      `${gateway}/api/auth/register`,
      JSON.stringify({ email, name: `Bench customer ${i + 1}`, password: CUSTOMER_PASSWORD }),
      'application/json',
    ),
  );
  const tokens = await mapLimit(emails, 4, (email) => login(gateway, email, CUSTOMER_PASSWORD));
  return { productIds, tokens };
}

/** Single-line orders as fast as they answer, every one with its own key, customer and product in turn. */
async function placeOrders(gateway: string, shop: Shop, seconds: number): Promise<autocannon.Result> {
  const runId = randomBytes(4).toString('hex');
  let sequence = 0;
  return autocannon({
    url: `${gateway}/api/orders`,
    connections: CLIENTS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: '/api/orders',
        setupRequest: (request) => {
          const n = sequence++;
          return {
            ...request,
            headers: {
              'content-type': 'application/json',
              authorization: `Bearer ${shop.tokens[n % shop.tokens.length]}`,
              'idempotency-key': `bench-memory-${runId}-${n}`,
            },
            body: JSON.stringify({ items: [{ product_id: shop.productIds[n % shop.productIds.length], quantity: 1 }] }),
          };
        },
      },
    ],
  });
}

/** What went wrong in a load: counts by status code, connection errors and timeouts. */
function failures(result: autocannon.Result): Array<[string, number]> {
  const found = Object.entries(result.statusCodeStats ?? {})
    .filter(([code]) => !code.startsWith('2'))
    .map(([code, stats]): [string, number] => [code, stats.count ?? 0]);
  if (result.errors > result.timeouts) found.push(['connection errors', result.errors - result.timeouts]);
  if (result.timeouts > 0) found.push(['timeouts', result.timeouts]);
  return found;
}

// ---- /proc ----

/** A started process and everything it started, found once the service is ready (the tree does not change after). */
interface ProcessTree {
  pids: number[];
  /** The service's own process: the deepest node process of the tree. */
  main: number;
  /** The processes' names in start order. */
  names: string;
}

function processTree(root: number): ProcessTree {
  const children = new Map<number, number[]>();
  const names = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = processStat(Number(entry));
    if (!stat) continue;
    names.set(Number(entry), stat.name);
    children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), Number(entry)]);
  }
  if (!names.has(root)) throw new Error(`process ${root} is gone`);
  const pids: number[] = [];
  let main = root;
  let mainDepth = -1;
  const visit = (pid: number, depth: number) => {
    pids.push(pid);
    if (names.get(pid) === 'node' && depth > mainDepth) {
      main = pid;
      mainDepth = depth;
    }
    for (const child of (children.get(pid) ?? []).sort((a, b) => a - b)) visit(child, depth + 1);
  };
  visit(root, 0);
  return { pids, main, names: pids.map(commandName).join(' → ') };
}

/** What a process runs: `npm`, `sh`, `node`, or `node (tsx)` for tsx's launcher. */
function commandName(pid: number): string {
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  const program = basename(argv[0]?.split(' ')[0] ?? '?'); // npm retitles itself "npm run ..."
  return program === 'node' && argv[1]?.endsWith('/.bin/tsx') ? 'node (tsx)' : program;
}

/** VmRSS in KiB; a service that died fails the run. */
function rss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
}

/** Proportional set size in KiB: shared pages count once over all the processes that map them. */
function pss(pid: number): number {
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  return Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0);
}

function sample(trees: Record<Service, ProcessTree>): Sample {
  const total: Memory = { tree: 0, main: 0 };
  const result = { total } as Sample;
  for (const service of SERVICES) {
    const tree = trees[service];
    const memory = { tree: tree.pids.reduce((sum, pid) => sum + rss(pid), 0), main: rss(tree.main) };
    result[service] = memory;
    total.tree += memory.tree;
    total.main += memory.main;
  }
  return result;
}

/** Per service and for the total, each figure's highest value over the samples. */
function highestSample(samples: readonly Sample[]): Sample {
  return combine(samples, (values) => Math.max(...values));
}

function medianSample(samples: readonly Sample[]): Sample {
  return combine(samples, (values) => values.sort((x, y) => x - y)[Math.floor(values.length / 2)] ?? 0);
}

function combine(samples: readonly Sample[], reduce: (values: number[]) => number): Sample {
  const result = {} as Sample;
  for (const key of [...SERVICES, 'total'] as const) {
    result[key] = {
      tree: reduce(samples.map((each) => each[key].tree)),
      main: reduce(samples.map((each) => each[key].main)),
    };
  }
  return result;
}

// ---- output ----

function mib(kib: number): string {
  return (kib / 1024).toFixed(1);
}

function memoryTable(tsx: { idle: Sample; peak: Sample }, built: { idle: Sample; peak: Sample }): string[] {
  const columns = ['tsx tree idle', 'tsx node idle', 'built idle', 'tsx tree peak', 'tsx node peak', 'built peak'];
  const line = (label: string, values: string[]) =>
    `${label.padEnd(14)} ${values.map((value, i) => value.padStart((columns[i] as string).length)).join('  ')}`;
  return [
    line('service', columns),
    ...[...SERVICES, 'total' as const].map((key) =>
      line(key, [
        mib(tsx.idle[key].tree),
        mib(tsx.idle[key].main),
        mib(built.idle[key].tree),
        mib(tsx.peak[key].tree),
        mib(tsx.peak[key].main),
        mib(built.peak[key].tree),
      ]),
    ),
  ];
}

async function assertFree(port: number): Promise<void> {
  const free = await new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
  if (!free) throw new Error(`port ${port} is taken: the memory scenario uses 18410-18427`);
}
