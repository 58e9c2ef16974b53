/**
 * `npm run bench -- analytics`: the analytics service's event log, ETL and dashboard
 * queries, on PostgreSQL (BENCH_DATABASE_URL's database, schema `analytics` dropped and
 * migrated afresh) and on PGlite (a temporary directory, removed after), in this process
 * through the service's own classes (PgEventLog, PgAnalyticsStore, runEtl, salesReport),
 * each figure next to a baseline measured in the same run.
 *
 * - Ingest: INGEST_EVENTS order.placed events through PgEventLog.append, one event a call,
 *   CALLERS callers at once over a pool of POOL_SIZE connections (the service's default),
 *   as the bus consumer does; baseline: the bare driver (a `pg` pool of the same size, or
 *   the PGlite client) running `insert … on conflict (id) do nothing` with the same rows
 *   and callers. Two rounds each, taking turns (service, baseline, baseline, service), each
 *   on an emptied log.
 * - Bulk: a generated history (deterministic PRNG) of BENCH_ANALYTICS_LINES order lines
 *   (default 1,000,000): orders of 1-4 lines over two calendar years (2024-2025), PRODUCTS
 *   products (Zipf-like popularity), CUSTOMERS customers, about 4 % of orders cancelled by
 *   an order.cancelled event 1-72 h later, events in time order. Baseline first: COPY of the
 *   same rows as CSV (through the bare `pg` client's copy protocol, or PGlite's /dev/blob),
 *   BULK_CALL events a COPY, the CSV made inside the timing as appendMany makes its JSON;
 *   no conflict check, which COPY cannot do. Then the log emptied and PgEventLog.appendMany,
 *   BULK_CALL events a call (one transaction, BULK_STATEMENT rows a statement), whose load
 *   the ETL then reads. A CHECKPOINT before each load; VACUUM ANALYZE and a CHECKPOINT after.
 * - ETL: runEtl (domain/run-etl.ts) with decodeOrderEvent and DEFAULT_BATCH_SIZE, the
 *   service's ETL job's very call, to the end of the log; events/s, order lines/s, the
 *   p50/p99 of a step (one applyNext), CPU per 1,000 events: this process
 *   (process.cpuUsage) plus PostgreSQL's processes working for the database (utime + stime
 *   from /proc, as bench/checkout.ts reads them; the whole server in brackets, processes
 *   that ended meanwhile included through the postmaster's reaped-children time). PGlite
 *   runs in this process: its CPU is this process's. Baseline: one SQL statement computing
 *   the same daily sales (orders, units, revenue, cancelled) straight from the log's JSON
 *   (jsonb_array_elements over data->'items', grouped by day), without parallel workers,
 *   like the ETL's one connection. The rollups, the baseline and the generator's own
 *   count must agree day by day, or the scenario fails.
 * - Dashboard: p50/p99 of DASHBOARD_CALLS sequential calls (after WARM_UP_CALLS not
 *   counted; at most CALL_CAP_SECONDS a query) of the store's dailySales (365 days), the
 *   sales report use case by week and by month (365 days), topProducts (90 days, 10),
 *   customers (90 days) and boughtWith (the most sold product, 10); baseline for the sales
 *   figures: the same days computed from the log's JSON, one statement a call, RAW_CALLS calls
 *   (PostgreSQL's default settings, parallel workers allowed, as the store's queries get).
 *
 * - The OLAP stores apart from the log, DuckDB (a file in a temporary directory, this
 *   process) and ClickHouse (BENCH_CLICKHOUSE_URL, default http://127.0.0.1:8123; database
 *   shop_bench_analytics, dropped before and after): the same ETL over PostgreSQL's log of
 *   the full history, CPU per 1,000 events adding ClickHouse's server processes (/proc), its
 *   daily sales checked against the generator's count, then the same dashboard calls, each
 *   next to the baselines above measured again.
 *
 * PGlite takes at most PGLITE_MAX_LINES lines of history, the default size (its rows say so
 * when it takes fewer): it runs on one core inside this process, about 1.5 times slower.
 * The default size takes about 15 minutes on 2 vCPUs. Settings: BENCH_DATABASE_URL,
 * BENCH_CLICKHOUSE_URL, BENCH_ANALYTICS_LINES. Linux only (/proc).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@clickhouse/client';
import { PGlite } from '@electric-sql/pglite';
import { EVENT_TYPES, type OrderCancelled, type OrderPlaced } from '@shop/contracts';
import { type Database, mulberry32, openPglite, openPostgres, weightedIndex } from '@shop/platform';
import pg from 'pg';
import { MIGRATIONS_FOLDER } from '../services/analytics/src/app.ts';
import { PgAnalyticsStore } from '../services/analytics/src/db/pg-analytics-store.ts';
import { PgEventLog } from '../services/analytics/src/db/pg-event-log.ts';
import { PgEventLogReader } from '../services/analytics/src/db/pg-event-log-reader.ts';
import type {
  AnalyticsStore,
  DailySales,
  DayRange,
  EventLogReader,
  IncomingEvent,
} from '../services/analytics/src/domain/ports.ts';
import { salesReport } from '../services/analytics/src/domain/reports.ts';
import { DEFAULT_BATCH_SIZE, runEtl } from '../services/analytics/src/domain/run-etl.ts';
import { decodeOrderEvent } from '../services/analytics/src/events/order-events.ts';
import { ClickHouseAnalyticsStore } from '../services/analytics/src/olap/clickhouse-analytics-store.ts';
import { DuckDbAnalyticsStore } from '../services/analytics/src/olap/duckdb-analytics-store.ts';
import {
  CLOCK_TICKS,
  codeVersion,
  cpuMsBetween,
  cpuTicks,
  ensureDatabase,
  loadAverage,
  machine,
  mapLimit,
  percentile,
  pidsNamed,
  positive,
  postgresPids,
  postgresServerPids,
  processStat,
  type Report,
  type Row,
  withClient,
} from './lib.ts';

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/shop_bench';

const FIRST_DAY_MS = Date.UTC(2024, 0, 1);
/** 2024-01-01 to 2025-12-31: two calendar years, the longest range a report takes. */
const DAYS = 731;
const DAY_MS = 86_400_000;
const PRODUCTS = 2_000;
const CUSTOMERS = 50_000;
const CANCELLED_SHARE = 0.04;
const CURRENCY = 'EUR';
/** Monday first: weekends sell more. */
const WEEKDAY_WEIGHT = [1.35, 0.85, 0.9, 0.95, 1.0, 1.15, 1.4];

const INGEST_EVENTS = 20_000;
const CALLERS = 16;
/** The service's pool (DATABASE_POOL_SIZE's default), and the baseline's. */
const POOL_SIZE = 10;
const BULK_CALL = 20_000;
/** As PgEventLog.appendMany's statements. */
const BULK_STATEMENT = 2_000;
const DASHBOARD_CALLS = 200;
const RAW_CALLS = 20;
const WARM_UP_CALLS = 3;
const CALL_CAP_SECONDS = 15;
const PGLITE_MAX_LINES = 1_000_000;

const step = (text: string) => console.log(`analytics: ${text}`);

// ---- The generated history ----

interface History {
  lines: number;
  events: IncomingEvent[];
  placed: number;
  cancelled: number;
  /** Per day of placement, as the rollups must count it. */
  days: Map<string, DailySales>;
  /** The product on the most order lines. */
  topProduct: number;
}

const hex = (value: number, width: number) => value.toString(16).padStart(width, '0');
/** A UUID-shaped id (version 4, variant 8) holding `kind` and `n`: unique and the same every run. */
const eventId = (kind: number, n: number) => `${hex(kind, 8)}-0000-4000-8000-${hex(n, 12)}`;

function uuidFrom(random: () => number): string {
  const part = () => hex(Math.floor(random() * 0x1_0000_0000), 8);
  const text = part() + part() + part() + part();
  return `${text.slice(0, 8)}-${text.slice(8, 12)}-4${text.slice(13, 16)}-8${text.slice(17, 20)}-${text.slice(20, 32)}`;
}

/**
 * `lines` order lines over DAYS days: line counts in blocks of four orders holding 1, 2, 3
 * and 4 lines in a random order (2.5 a order on average, the total exact), orders spread
 * over the days by a growing trend and the weekday, each at a random time of its day.
 */
export function generateHistory(lines: number, seed = 20_240_101): History {
  const random = mulberry32(seed);
  const products = Array.from({ length: PRODUCTS }, (_, index) => ({
    id: index + 1,
    name: `Bench product ${index + 1}`,
    price: 199 + Math.floor(random() * 9_800),
  }));
  // Zipf-like popularity over a shuffled catalog; customers too, some coming back often.
  const ranked = [...products];
  for (let i = ranked.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [ranked[i], ranked[j]] = [ranked[j] as (typeof ranked)[number], ranked[i] as (typeof ranked)[number]];
  }
  const pickProduct = weightedIndex(
    ranked.map((_, rank) => 1 / (rank + 1) ** 0.9),
    random,
  );
  const pickCustomer = weightedIndex(
    Array.from({ length: CUSTOMERS }, (_, rank) => 1 / (rank + 1) ** 0.6),
    random,
  );

  const counts: number[] = [];
  for (let left = lines; left > 0; ) {
    const block = [1, 2, 3, 4];
    for (let i = 3; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [block[i], block[j]] = [block[j] as number, block[i] as number];
    }
    for (const count of block) {
      if (left === 0) break;
      counts.push(Math.min(count, left));
      left -= Math.min(count, left);
    }
  }
  const weights = Array.from({ length: DAYS }, (_, day) => {
    const weekday = (new Date(FIRST_DAY_MS + day * DAY_MS).getUTCDay() + 6) % 7;
    return (0.7 + (0.6 * day) / (DAYS - 1)) * (WEEKDAY_WEIGHT[weekday] as number);
  });
  const totalWeight = weights.reduce((sum, weight) => sum + weight, 0);

  const events: IncomingEvent[] = [];
  const days = new Map<string, DailySales>();
  const lineCounts = new Map<number, number>();
  const pending: Array<{ time: number; event: IncomingEvent }> = [];
  const flush = (until: number) => {
    pending.sort((a, b) => a.time - b.time);
    while (pending.length > 0 && (pending[0] as { time: number }).time <= until) {
      events.push((pending.shift() as { event: IncomingEvent }).event);
    }
  };
  let orderId = 0;
  let cumulative = 0;
  let cancelled = 0;
  for (let day = 0; day < DAYS; day++) {
    const before = Math.round((cumulative / totalWeight) * counts.length);
    cumulative += weights[day] as number;
    const orders = Math.round((cumulative / totalWeight) * counts.length) - before;
    const dayStart = FIRST_DAY_MS + day * DAY_MS;
    const dayText = new Date(dayStart).toISOString().slice(0, 10);
    const times = Array.from({ length: orders }, () => dayStart + Math.floor(random() * DAY_MS)).sort((a, b) => a - b);
    for (const time of times) {
      orderId++;
      const lineCount = counts[orderId - 1] as number;
      const chosen = new Set<number>();
      while (chosen.size < lineCount) chosen.add(pickProduct());
      const items = [...chosen].map((rank) => {
        const product = ranked[rank] as (typeof ranked)[number];
        const roll = random();
        const quantity = roll < 0.7 ? 1 : roll < 0.92 ? 2 : 3;
        lineCounts.set(product.id, (lineCounts.get(product.id) ?? 0) + 1);
        return {
          product_id: product.id,
          name: product.name,
          unit_price_cents: product.price,
          quantity,
          line_total_cents: product.price * quantity,
        };
      });
      const userId = pickCustomer() + 1;
      const email = `customer-${userId}@example.com`;
      const data: OrderPlaced = {
        order_id: orderId,
        user_id: userId,
        email,
        items,
        total_cents: items.reduce((sum, item) => sum + item.line_total_cents, 0),
        currency: CURRENCY,
        from_cart: random() < 0.8,
        reservation_id: uuidFrom(random),
      };
      flush(time);
      events.push({
        id: eventId(1, orderId),
        type: EVENT_TYPES.orderPlaced,
        source: '/order',
        time: new Date(time),
        data,
      });
      const sales = days.get(dayText) ?? { day: dayText, orders: 0, units: 0, revenueCents: 0, cancelledOrders: 0 };
      days.set(dayText, sales);
      if (random() < CANCELLED_SHARE) {
        cancelled++;
        sales.cancelledOrders++;
        const at = time + 3_600_000 + Math.floor(random() * 71 * 3_600_000);
        const reason: OrderCancelled = { order_id: orderId, user_id: userId, email, reason: 'customer' };
        pending.push({
          time: at,
          event: {
            id: eventId(2, orderId),
            type: EVENT_TYPES.orderCancelled,
            source: '/order',
            time: new Date(at),
            data: reason,
          },
        });
      } else {
        sales.orders++;
        sales.units += items.reduce((sum, item) => sum + item.quantity, 0);
        sales.revenueCents += data.total_cents;
      }
    }
  }
  flush(Number.POSITIVE_INFINITY);
  const topProduct = [...lineCounts].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? 1;
  return { lines, events, placed: orderId, cancelled, days, topProduct };
}

// ---- Engines ----

type Query = <T>(text: string, params?: unknown[]) => Promise<T[]>;

interface Cpu {
  /** This process, ms. */
  self: number;
  /** PostgreSQL's processes for the database (ticks by pid); empty for PGlite. */
  postgres: Map<number, number>;
  /** The whole PostgreSQL server, exited processes included, ms; 0 for PGlite. */
  server: number;
}

interface Engine {
  name: 'PostgreSQL' | 'PGlite';
  version: string;
  database: Database;
  /** One statement on the bare driver: a `pg` pool of POOL_SIZE, or the PGlite client. */
  query: Query;
  /** Statements in one transaction on the bare driver. */
  transaction(run: (query: Query) => Promise<void>): Promise<void>;
  /** One `COPY analytics.event (…) FROM …` of CSV rows (the pieces of one statement). */
  copyEvents(csv: readonly string[]): Promise<void>;
  cpu(): Promise<Cpu>;
  close(): Promise<void>;
}

function selfMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** The postmaster's reaped children (cutime + cstime), ticks: what its exited processes used. */
function reapedTicks(pid: number): number {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return Number(fields[13]) + Number(fields[14]);
  } catch {
    return 0;
  }
}

/** Every PostgreSQL process's CPU so far, plus what its exited ones used (through the postmaster), ms. */
function serverMs(): number {
  const pids = postgresServerPids();
  const names = new Map(pids.map((pid) => [pid, processStat(pid)]));
  let ticks = 0;
  for (const [pid, stat] of names) {
    if (!stat) continue;
    ticks += stat.ticks;
    if (names.get(stat.ppid) === undefined) ticks += reapedTicks(pid); // the postmaster: its parent is no postgres
  }
  return (ticks * 1000) / CLOCK_TICKS;
}

async function serverVersion(query: Query): Promise<string> {
  const [row] = await query<{ version: string }>("select current_setting('server_version') as version");
  return row?.version.split(' ')[0] ?? '?';
}

/** Pieces of a COPY's data sent as they are, once the server asks: what the protocol wants, nothing more. */
interface CopyConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

/**
 * `COPY … FROM STDIN` on a bare `pg` client, as a custom query object (pg's Submittable: what
 * pg-copy-streams does, without the dependency): the statement, then every piece of `data`.
 */
function copyIn(client: pg.PoolClient, text: string, data: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    let failed = false;
    const copy = {
      submit: (connection: CopyConnection) => connection.query(text),
      handleCopyInResponse: (connection: CopyConnection) => {
        for (const piece of data) connection.sendCopyFromChunk(Buffer.from(piece));
        connection.endCopyFrom();
      },
      handleError: (error: Error) => {
        failed = true;
        reject(error);
      },
      handleReadyForQuery: () => {
        if (!failed) resolve();
      },
      handleCommandComplete: () => {},
      handleRowDescription: () => {},
      handleDataRow: () => {},
      handleEmptyQuery: () => {},
      handlePortalSuspended: () => {},
      handleCopyData: () => {},
    };
    client.query(copy as unknown as pg.Submittable);
  });
}

async function postgresEngine(): Promise<Engine> {
  await ensureDatabase(DATABASE_URL);
  await withClient(DATABASE_URL, (client) => client.query('drop schema if exists analytics cascade'));
  const database = await openPostgres({
    service: 'analytics',
    migrationsFolder: MIGRATIONS_FOLDER,
    url: DATABASE_URL,
    poolSize: POOL_SIZE,
  });
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: POOL_SIZE, application_name: 'bench-baseline' });
  const query: Query = async <T>(text: string, params?: unknown[]) => (await pool.query(text, params)).rows as T[];
  return {
    name: 'PostgreSQL',
    version: await serverVersion(query),
    database,
    query,
    transaction: async (run) => {
      const client = await pool.connect();
      try {
        await client.query('begin');
        await run(async <T>(text: string, params?: unknown[]) => (await client.query(text, params)).rows as T[]);
        await client.query('commit');
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    copyEvents: async (csv) => {
      const client = await pool.connect();
      try {
        await copyIn(client, `${EVENT_COPY} from stdin with (format csv)`, csv);
      } finally {
        client.release();
      }
    },
    cpu: async () => ({
      self: selfMs(),
      postgres: cpuTicks(await postgresPids(DATABASE_URL)),
      server: serverMs(),
    }),
    close: async () => {
      await pool.end();
      await database.close();
    },
  };
}

async function pgliteEngine(dataDir: string): Promise<Engine> {
  const client = await PGlite.create({ dataDir });
  const database = await openPglite({ service: 'analytics', migrationsFolder: MIGRATIONS_FOLDER, client });
  const query: Query = async <T>(text: string, params?: unknown[]) => (await client.query<T>(text, params)).rows;
  return {
    name: 'PGlite',
    version: await serverVersion(query),
    database,
    query,
    transaction: async (run) => {
      await client.transaction(async (tx) => {
        await run(async <T>(text: string, params?: unknown[]) => (await tx.query<T>(text, params)).rows);
      });
    },
    copyEvents: async (csv) => {
      await client.query(`${EVENT_COPY} from '/dev/blob' with (format csv)`, [], { blob: new Blob([...csv]) });
    },
    cpu: async () => ({ self: selfMs(), postgres: new Map(), server: 0 }),
    close: async () => {
      await database.close();
      await client.close();
    },
  };
}

/** CPU between two snapshots, ms: this process, PostgreSQL for the database, the whole server. */
async function cpuSpent(engine: Engine, before: Cpu): Promise<{ self: number; postgres: number; server: number }> {
  const after = await engine.cpu();
  return {
    self: after.self - before.self,
    postgres: cpuMsBetween(before.postgres, after.postgres),
    server: after.server - before.server,
  };
}

function cpuNote(engine: Engine, cpu: { self: number; postgres: number; server: number }, events: number): string {
  const per = (ms: number) => ((ms * 1000) / events).toFixed(1);
  if (engine.name === 'PGlite') return `CPU ${per(cpu.self)} ms per 1,000 events (this process, PGlite in it)`;
  return (
    `CPU ${per(cpu.self + cpu.postgres)} ms per 1,000 events = this process ${per(cpu.self)} + PostgreSQL ${per(cpu.postgres)}` +
    ` (whole server ${per(cpu.server)})`
  );
}

// ---- Measuring ----

const EVENT_INSERT =
  'insert into analytics.event (id, type, source, time, data) values ($1, $2, $3, $4, $5) on conflict (id) do nothing';
const EVENT_COPY = 'copy analytics.event (id, type, source, time, data)';

/** A CSV field: quoted, its quotes doubled; null as an empty unquoted field. */
const csvField = (value: string | null) => (value === null ? '' : `"${value.replace(/"/g, '""')}"`);

/** The events as CSV rows for COPY, BULK_STATEMENT rows a piece. */
function csvPieces(events: readonly IncomingEvent[]): string[] {
  const pieces: string[] = [];
  for (let start = 0; start < events.length; start += BULK_STATEMENT) {
    let piece = '';
    for (const event of events.slice(start, start + BULK_STATEMENT)) {
      const time = event.time?.toISOString() ?? null;
      piece += `${[event.id, event.type, event.source, time, JSON.stringify(event.data ?? null)].map(csvField).join(',')}\n`;
    }
    pieces.push(piece);
  }
  return pieces;
}

function round(value: number): number {
  if (Number.isNaN(value)) return value;
  return value >= 100 ? Math.round(value) : value >= 10 ? Math.round(value * 10) / 10 : Math.round(value * 100) / 100;
}

function thousands(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

async function truncateLog(engine: Engine): Promise<void> {
  await engine.query('truncate analytics.event restart identity');
}

interface Timed {
  count: number;
  seconds: number;
  latencies: number[];
  errors: number;
}

function timedRow(name: string, timed: Timed, note?: string): Row {
  return {
    name,
    requests: round(timed.count / timed.seconds),
    p50: round(percentile(timed.latencies, 50)),
    p99: round(percentile(timed.latencies, 99)),
    errors: timed.errors,
    note,
  };
}

/** One event a call, CALLERS at once; a call that stores nothing (or fails) counts as an error. */
async function ingestRound(events: readonly IncomingEvent[], call: (event: IncomingEvent) => Promise<boolean>) {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  await mapLimit(events, CALLERS, async (event) => {
    const t0 = performance.now();
    const stored = await call(event).catch(() => false);
    latencies.push(performance.now() - t0);
    if (!stored) errors++;
  });
  return { count: events.length, seconds: (performance.now() - started) / 1000, latencies, errors };
}

function addTimed(total: Timed, round: Timed): void {
  total.count += round.count;
  total.seconds += round.seconds;
  total.latencies.push(...round.latencies);
  total.errors += round.errors;
}

const emptyTimed = (): Timed => ({ count: 0, seconds: 0, latencies: [], errors: 0 });

async function ingest(engine: Engine, label: string, events: readonly IncomingEvent[]): Promise<Row[]> {
  const log = new PgEventLog(engine.database.db);
  const viaService = (event: IncomingEvent) => log.append(event);
  const viaDriver = async (event: IncomingEvent) => {
    const time = event.time?.toISOString() ?? null;
    await engine.query(EVENT_INSERT, [event.id, event.type, event.source, time, event.data]);
    return true;
  };
  /** One round on an emptied log. */
  const round = async (rows: readonly IncomingEvent[], call: (event: IncomingEvent) => Promise<boolean>) => {
    await truncateLog(engine);
    return ingestRound(rows, call);
  };
  // Warm-up, not counted: the pools' connections, the JIT.
  await round(events.slice(0, 500), viaService);
  await round(events.slice(0, 500), viaDriver);
  const half = Math.floor(events.length / 2);
  const [first, second] = [events.slice(0, half), events.slice(half)];
  const service = emptyTimed();
  const bare = emptyTimed();
  addTimed(service, await round(first, viaService));
  addTimed(bare, await round(first, viaDriver));
  addTimed(bare, await round(second, viaDriver));
  addTimed(service, await round(second, viaService));
  await truncateLog(engine);
  const driver = engine.name === 'PGlite' ? 'PGlite client' : 'pg';
  const baseline = timedRow(`  baseline: bare ${driver} insert, same callers`, bare);
  const measured = timedRow(
    `${label}: PgEventLog.append, ${CALLERS} callers (${thousands(events.length)} events)`,
    service,
  );
  measured.baseline = baseline;
  baseline.baseline = baseline;
  return [measured, baseline];
}

async function bulkLoad(engine: Engine, label: string, events: readonly IncomingEvent[]): Promise<Row[]> {
  const chunks: IncomingEvent[][] = [];
  for (let start = 0; start < events.length; start += BULK_CALL) chunks.push(events.slice(start, start + BULK_CALL));
  const log = new PgEventLog(engine.database.db);

  step(`${label}: bulk load, baseline (COPY): ${thousands(events.length)} events`);
  await truncateLog(engine);
  await checkpoint(engine);
  const bare = emptyTimed();
  for (const chunk of chunks) {
    // Timed with making its CSV, as appendMany is with making its JSON.
    const t0 = performance.now();
    await engine.copyEvents(csvPieces(chunk));
    const ms = performance.now() - t0;
    bare.latencies.push(ms);
    bare.seconds += ms / 1000;
    bare.count += chunk.length;
  }
  const [{ count: bareCount } = { count: 0 }] = await engine.query<{ count: number }>(
    'select count(*)::int as count from analytics.event',
  );
  bare.errors = events.length - Number(bareCount);
  await truncateLog(engine);
  await checkpoint(engine);

  step(`${label}: bulk load, PgEventLog.appendMany: ${thousands(events.length)} events`);
  const service = emptyTimed();
  for (const chunk of chunks) {
    const t0 = performance.now();
    const added = await log.appendMany(chunk);
    const ms = performance.now() - t0;
    service.latencies.push(ms);
    service.seconds += ms / 1000;
    service.count += chunk.length;
    service.errors += chunk.length - added;
  }
  const baseline = timedRow(
    `  baseline: COPY … FROM ${engine.name === 'PGlite' ? "'/dev/blob'" : 'STDIN'} (CSV)`,
    bare,
    `p50/p99: one COPY of ${thousands(BULK_CALL)} events; no conflict check`,
  );
  const measured = timedRow(
    `${label}: PgEventLog.appendMany, ${thousands(BULK_CALL)} a call (${thousands(events.length)} events)`,
    service,
    `p50/p99: one call of ${thousands(BULK_CALL)} events`,
  );
  measured.baseline = baseline;
  baseline.baseline = baseline;
  return [measured, baseline];
}

async function checkpoint(engine: Engine): Promise<void> {
  await engine.query('checkpoint').catch(() => undefined);
}

/** The daily sales (orders that stand, their units and revenue, orders cancelled) straight from the log's JSON. */
function rawSalesSql(range?: DayRange): { text: string; params: string[] } {
  const day = `(coalesce(time, received_at) at time zone 'UTC')::date`;
  return {
    text: `with placed as (
             select (data->>'order_id')::int as order_id, ${day} as day,
                    (data->>'total_cents')::bigint as revenue_cents,
                    (select sum((item->>'quantity')::int) from jsonb_array_elements(data->'items') as item) as units
               from analytics.event
              where type = 'order.placed'${range ? ` and ${day} between $1::date and $2::date` : ''}
           ),
           cancelled as (
             select distinct (data->>'order_id')::int as order_id from analytics.event where type = 'order.cancelled'
           )
           select to_char(p.day, 'YYYY-MM-DD') as day,
                  count(*) filter (where c.order_id is null)::bigint as orders,
                  coalesce(sum(p.units) filter (where c.order_id is null), 0)::bigint as units,
                  coalesce(sum(p.revenue_cents) filter (where c.order_id is null), 0)::bigint as revenue_cents,
                  count(c.order_id)::bigint as cancelled_orders
             from placed as p
             left join cancelled as c on c.order_id = p.order_id
            group by p.day
            order by p.day`,
    params: range ? [range.from, range.to] : [],
  };
}

type RawDay = { day: string; orders: unknown; units: unknown; revenue_cents: unknown; cancelled_orders: unknown };

function toDailySales(rows: readonly RawDay[]): DailySales[] {
  return rows.map((row) => ({
    day: row.day,
    orders: Number(row.orders),
    units: Number(row.units),
    revenueCents: Number(row.revenue_cents),
    cancelledOrders: Number(row.cancelled_orders),
  }));
}

/**
 * Runs the raw daily-sales statement; `serial`: without parallel workers, on one backend as
 * the ETL's steps run (and its CPU all in a process the window sees from start to end).
 */
async function rawSales(engine: Engine, range?: DayRange, serial = false): Promise<DailySales[]> {
  const { text, params } = rawSalesSql(range);
  let rows: RawDay[] = [];
  await engine.transaction(async (query) => {
    if (serial) await query('set local max_parallel_workers_per_gather = 0');
    rows = await query<RawDay>(text, params);
  });
  return toDailySales(rows);
}

function totals(days: Iterable<DailySales>) {
  const sum = { orders: 0, units: 0, revenueCents: 0, cancelledOrders: 0 };
  for (const day of days) {
    sum.orders += day.orders;
    sum.units += day.units;
    sum.revenueCents += day.revenueCents;
    sum.cancelledOrders += day.cancelledOrders;
  }
  return sum;
}

function showTotals(sum: ReturnType<typeof totals>): string {
  return `${thousands(sum.orders)} orders, ${thousands(sum.units)} units, ${(sum.revenueCents / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })} ${CURRENCY}, ${thousands(sum.cancelledOrders)} cancelled`;
}

/** The days on which `a` and `b` differ, by name (a day missing on one side counts). */
function differingDays(a: readonly DailySales[], b: readonly DailySales[]): string[] {
  const key = (day: DailySales) => `${day.orders}/${day.units}/${day.revenueCents}/${day.cancelledOrders}`;
  const left = new Map(a.map((day) => [day.day, key(day)]));
  const right = new Map(b.map((day) => [day.day, key(day)]));
  const all = new Set([...left.keys(), ...right.keys()]);
  return [...all].filter((day) => left.get(day) !== right.get(day)).sort();
}

async function rollupDays(engine: Engine): Promise<DailySales[]> {
  return toDailySales(
    await engine.query<RawDay>(
      `select to_char(day, 'YYYY-MM-DD') as day, orders, units, revenue_cents, cancelled_orders
         from analytics.daily_sales order by day`,
    ),
  );
}

/** The store as the ETL job holds it, each step (applyNext) timed into `stepMs`. */
function timedSteps(store: AnalyticsStore): { store: AnalyticsStore; stepMs: number[] } {
  const stepMs: number[] = [];
  const timed: AnalyticsStore = Object.assign(Object.create(store) as AnalyticsStore, {
    applyNext: async (...args: Parameters<AnalyticsStore['applyNext']>) => {
      const t0 = performance.now();
      const result = await store.applyNext(...args);
      stepMs.push(performance.now() - t0);
      return result;
    },
  });
  return { store: timed, stepMs };
}

async function etl(engine: Engine, label: string, history: History): Promise<{ rows: Row[]; notes: string[] }> {
  const { store: timedStore, stepMs } = timedSteps(new PgAnalyticsStore(engine.database.db));
  const events = history.events.length;

  step(`${label}: ETL (runEtl, batches of ${thousands(DEFAULT_BATCH_SIZE)}) over ${thousands(events)} events`);
  const cpuBefore = await engine.cpu();
  const started = performance.now();
  const result = await runEtl({ store: timedStore, decode: decodeOrderEvent, batchSize: DEFAULT_BATCH_SIZE });
  const seconds = (performance.now() - started) / 1000;
  const etlCpu = await cpuSpent(engine, cpuBefore);
  if (result.appliedEvents !== events || result.skipped.length > 0) {
    throw new Error(
      `${label}: the ETL took ${result.appliedEvents} of ${events} events and skipped ${result.skipped.length}: ${JSON.stringify(result.skipped.slice(0, 3))}`,
    );
  }

  step(`${label}: baseline, one SQL statement over the log's JSON`);
  await checkpoint(engine);
  const rawBefore = await engine.cpu();
  const rawStarted = performance.now();
  const raw = await rawSales(engine, undefined, true);
  const rawSeconds = (performance.now() - rawStarted) / 1000;
  const rawCpu = await cpuSpent(engine, rawBefore);

  // The three must agree: the rollups, the statement over the log, the generator's count.
  const rollups = await rollupDays(engine);
  const expected = [...history.days.values()];
  const sums = { rollups: totals(rollups), raw: totals(raw), generated: totals(expected) };
  const problems = [
    ...differingDays(rollups, raw).map((day) => `rollups ≠ log statement on ${day}`),
    ...differingDays(rollups, expected).map((day) => `rollups ≠ generated history on ${day}`),
  ];
  const same = (a: typeof sums.raw, b: typeof sums.raw) =>
    a.orders === b.orders &&
    a.units === b.units &&
    a.revenueCents === b.revenueCents &&
    a.cancelledOrders === b.cancelledOrders;
  if (problems.length > 0 || !same(sums.rollups, sums.raw) || !same(sums.rollups, sums.generated)) {
    throw new Error(
      `${label}: THE ROLLUPS DO NOT AGREE with the log.\n  rollups:   ${showTotals(sums.rollups)}\n  statement: ${showTotals(sums.raw)}\n` +
        `  generated: ${showTotals(sums.generated)}\n  ${problems.length} differences, first: ${problems.slice(0, 5).join('; ')}`,
    );
  }

  const measured: Row = {
    name: `${label}: ETL, runEtl to the end (${thousands(events)} events)`,
    requests: round(events / seconds),
    p50: round(percentile(stepMs, 50)),
    p99: round(percentile(stepMs, 99)),
    errors: 0,
    note: `${thousands(history.lines / seconds)} lines/s, ${seconds.toFixed(1)} s; p50/p99: one step; ${cpuNote(engine, etlCpu, events)}`,
  };
  const baseline: Row = {
    name: '  baseline: one SQL daily rollup from the JSON',
    requests: round(events / rawSeconds),
    p50: round(rawSeconds * 1000),
    p99: round(rawSeconds * 1000),
    errors: 0,
    note: `${thousands(history.lines / rawSeconds)} lines/s, ${rawSeconds.toFixed(1)} s; ${cpuNote(engine, rawCpu, events)}`,
  };
  measured.baseline = baseline;
  baseline.baseline = baseline;
  return {
    rows: [measured, baseline],
    notes: [
      `${label}: rollups, log statement and generated history agree on all ${rollups.length} days: ${showTotals(sums.rollups)}; ${thousands(result.watermark)} events under the watermark.`,
    ],
  };
}

function dayText(day: number): string {
  return new Date(FIRST_DAY_MS + day * DAY_MS).toISOString().slice(0, 10);
}

/** `calls` sequential calls of `call` after WARM_UP_CALLS not counted, stopping after CALL_CAP_SECONDS. */
async function timeCalls(calls: number, call: () => Promise<unknown>): Promise<Timed & { capped: boolean }> {
  for (let i = 0; i < WARM_UP_CALLS; i++) await call();
  const latencies: number[] = [];
  const started = performance.now();
  let capped = false;
  for (let i = 0; i < calls; i++) {
    const t0 = performance.now();
    await call();
    latencies.push(performance.now() - t0);
    if (performance.now() - started > CALL_CAP_SECONDS * 1000 && i + 1 < calls) {
      capped = true;
      break;
    }
  }
  const busy = latencies.reduce((sum, ms) => sum + ms, 0) / 1000;
  return { count: latencies.length, seconds: busy, latencies, errors: 0, capped };
}

async function dashboard(
  engine: Engine,
  label: string,
  history: History,
  store: AnalyticsStore = new PgAnalyticsStore(engine.database.db),
): Promise<{ rows: Row[]; notes: string[] }> {
  const deps = { store, currency: CURRENCY };
  const year: DayRange = { from: dayText(DAYS - 365), to: dayText(DAYS - 1) };
  const quarter: DayRange = { from: dayText(DAYS - 90), to: dayText(DAYS - 1) };

  // The store's days and the log statement's agree on the range the dashboard reads.
  const stored = (await store.dailySales(year)).days;
  const fromLog = await rawSales(engine, year);
  const differences = differingDays(stored, fromLog);
  if (differences.length > 0) {
    throw new Error(
      `${label}: dailySales and the log statement differ over ${year.from}..${year.to} on ${differences.slice(0, 5).join(', ')}`,
    );
  }

  const callsNote = (timed: { count: number; capped: boolean }) =>
    `${timed.count} calls${timed.capped ? ` (stopped after ${CALL_CAP_SECONDS} s)` : ''}`;
  const measure = async (name: string, calls: number, call: () => Promise<unknown>, extra = '') => {
    step(name.trim());
    const timed = await timeCalls(calls, call);
    return timedRow(name, timed, [callsNote(timed), extra].filter(Boolean).join('; '));
  };

  const rows: Row[] = [];
  const sales = [
    await measure(`${label}: store.dailySales, 365 days`, DASHBOARD_CALLS, () => store.dailySales(year)),
    await measure(`${label}: salesReport by week, 365 days`, DASHBOARD_CALLS, () =>
      salesReport({ ...year, interval: 'week' }, deps),
    ),
    await measure(`${label}: salesReport by month, 365 days`, DASHBOARD_CALLS, () =>
      salesReport({ ...year, interval: 'month' }, deps),
    ),
  ];
  const raw = await measure('  baseline: the 365 days from the log JSON, 1 SQL', RAW_CALLS, () =>
    rawSales(engine, year),
  );
  for (const row of sales) row.baseline = raw;
  raw.baseline = raw;
  rows.push(...sales, raw);
  rows.push(
    await measure(`${label}: store.topProducts, 90 days, 10`, DASHBOARD_CALLS, () => store.topProducts(quarter, 10)),
    await measure(`${label}: store.customers, 90 days`, DASHBOARD_CALLS, () => store.customers(quarter)),
    await measure(
      `${label}: store.boughtWith, most sold product, 10`,
      DASHBOARD_CALLS,
      () => store.boughtWith(history.topProduct, 10),
      `product ${history.topProduct}`,
    ),
  );
  return {
    rows,
    notes: [
      `${label}: dashboard ranges ${year.from}..${year.to} (365 days) and ${quarter.from}..${quarter.to} (90 days).`,
    ],
  };
}

// ---- The OLAP stores apart from the log: DuckDB, ClickHouse ----

const zeroCpu = () => 0;

/** The ClickHouse server's CPU so far, ms: every process named clickhouse-serv. */
function clickHouseCpu(): number {
  let ticks = 0;
  for (const value of cpuTicks(pidsNamed('clickhouse-serv')).values()) ticks += value;
  return (ticks * 1000) / CLOCK_TICKS;
}

/** ClickHouse at BENCH_CLICKHOUSE_URL, in a database of its own, dropped before and after. */
function clickHouseTarget(): OlapTarget {
  const url = process.env.BENCH_CLICKHOUSE_URL ?? 'http://127.0.0.1:8123';
  const database = 'shop_bench_analytics';
  const drop = async () => {
    const client = createClient({ url });
    try {
      await client.command({ query: `drop database if exists ${database}` });
    } finally {
      await client.close();
    }
  };
  return {
    name: 'ClickHouse',
    open: async (log) => {
      await drop();
      return ClickHouseAnalyticsStore.open({ url, database, log });
    },
    serverCpu: clickHouseCpu,
    dispose: drop,
  };
}

/** An OLAP store that reads the log through an EventLogReader, with what its own processes spend. */
interface OlapTarget {
  name: string;
  open(log: EventLogReader): Promise<AnalyticsStore>;
  /** CPU of the store's own server processes so far, ms (0: it runs in this process). */
  serverCpu(): number;
  dispose(): Promise<void>;
}

function duckDbTarget(): OlapTarget {
  const dir = mkdtempSync(join(tmpdir(), 'shop-bench-duckdb-'));
  return {
    name: 'DuckDB',
    open: (log) => DuckDbAnalyticsStore.open({ path: join(dir, 'analytics.duckdb'), log, memoryLimit: '2GB' }),
    serverCpu: zeroCpu,
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * The ETL into a store apart from the log, over PostgreSQL's log of `history`: the same
 * runEtl call, timed a step at a time; its daily sales must match the generator's count.
 * Baseline: the PostgreSQL run's statement over the log's JSON.
 */
async function olapEtl(
  engine: Engine,
  target: OlapTarget,
  store: AnalyticsStore,
  history: History,
  baseline: Row,
): Promise<Row> {
  const { store: timedStore, stepMs } = timedSteps(store);
  const events = history.events.length;
  step(`${target.name}: ETL (runEtl, batches of ${thousands(DEFAULT_BATCH_SIZE)}) over ${thousands(events)} events`);
  const cpuBefore = await engine.cpu();
  const serverBefore = target.serverCpu();
  const started = performance.now();
  const result = await runEtl({ store: timedStore, decode: decodeOrderEvent, batchSize: DEFAULT_BATCH_SIZE });
  const seconds = (performance.now() - started) / 1000;
  const cpu = await cpuSpent(engine, cpuBefore);
  const serverMs = target.serverCpu() - serverBefore;
  if (result.appliedEvents !== events) {
    throw new Error(`${target.name}: the ETL took ${result.appliedEvents} of ${events} events`);
  }
  const stored = (await store.dailySales({ from: dayText(0), to: dayText(DAYS - 1) })).days;
  const problems = differingDays(stored, [...history.days.values()]);
  if (problems.length > 0) {
    throw new Error(
      `${target.name}: THE ROLLUPS DO NOT AGREE with the generated history on ${problems.slice(0, 5).join(', ')}`,
    );
  }
  const per = (ms: number) => ((ms * 1000) / events).toFixed(1);
  const own = target.serverCpu === zeroCpu ? '' : ` + ${target.name} ${per(serverMs)}`;
  return {
    name: `${target.name}: ETL, runEtl to the end (${thousands(events)} events)`,
    requests: round(events / seconds),
    p50: round(percentile(stepMs, 50)),
    p99: round(percentile(stepMs, 99)),
    errors: 0,
    note:
      `${thousands(history.lines / seconds)} lines/s, ${seconds.toFixed(1)} s; p50/p99: one step; ` +
      `CPU ${per(cpu.self + cpu.postgres + serverMs)} ms per 1,000 events = this process ${per(cpu.self)} + PostgreSQL ${per(cpu.postgres)}${own}; ` +
      `daily sales agree with the generated history on all ${stored.length} days`,
    baseline,
  };
}

/** The ETL and the dashboard on each OLAP store apart from the log, over PostgreSQL's log. */
async function olapStores(
  engine: Engine,
  history: History,
  etlBaseline: Row,
): Promise<{ rows: Row[]; notes: string[] }> {
  const rows: Row[] = [];
  const notes: string[] = [];
  for (const target of [duckDbTarget(), clickHouseTarget()]) {
    try {
      const store = await target.open(new PgEventLogReader(engine.database.db));
      try {
        rows.push(await olapEtl(engine, target, store, history, etlBaseline));
        const board = await dashboard(engine, target.name, history, store);
        rows.push(...board.rows);
      } finally {
        await store.close();
      }
    } finally {
      await target.dispose();
    }
  }
  return { rows, notes };
}

/** Every phase on one engine; `label` names its rows (with the history's size when it is not the full one). */
async function runEngine(engine: Engine, label: string, history: History): Promise<{ rows: Row[]; notes: string[] }> {
  const rows: Row[] = [];
  const notes: string[] = [];

  step(`${label}: ingest, ${thousands(INGEST_EVENTS)} single appends each way`);
  const placed = history.events.filter((event) => event.type === EVENT_TYPES.orderPlaced).slice(0, INGEST_EVENTS);
  rows.push(...(await ingest(engine, label, placed)));

  rows.push(...(await bulkLoad(engine, label, history.events)));
  await engine.query('vacuum analyze analytics.event');
  await checkpoint(engine);

  const etlPart = await etl(engine, label, history);
  rows.push(...etlPart.rows);
  notes.push(...etlPart.notes);
  await engine.query(
    'analyze analytics.order_fact, analytics.order_line_fact, analytics.order_cancellation, analytics.daily_sales, analytics.daily_product_sales',
  );

  const board = await dashboard(engine, label, history);
  rows.push(...board.rows);
  notes.push(...board.notes);
  return { rows, notes };
}

export async function analyticsScenario(): Promise<Report> {
  const lines = positive('BENCH_ANALYTICS_LINES', 1_000_000);
  const pgliteLines = Math.min(lines, PGLITE_MAX_LINES);
  const loadBefore = loadAverage();
  const started = performance.now();
  const code = codeVersion();
  const rows: Row[] = [];
  const notes: string[] = [];

  step(`generating ${thousands(lines)} order lines of history`);
  let history = generateHistory(lines);
  const describe = (each: History) =>
    `${thousands(each.lines)} lines: ${thousands(each.placed)} orders (${thousands(each.cancelled)} cancelled), ${thousands(each.events.length)} events`;
  notes.push(
    `History: ${describe(history)}, ${DAYS} days from ${dayText(0)}, ${thousands(PRODUCTS)} products, ${thousands(CUSTOMERS)} customers.`,
  );

  const postgres = await postgresEngine();
  let machineText = '';
  try {
    machineText = await machine(DATABASE_URL);
    const part = await runEngine(postgres, postgres.name, history);
    rows.push(...part.rows);
    notes.push(...part.notes);
    const etlBaseline = part.rows.find((row) => row.name.includes('one SQL daily rollup'));
    if (!etlBaseline) throw new Error('the ETL baseline row is missing');
    const olap = await olapStores(postgres, history, etlBaseline);
    rows.push(...olap.rows);
    notes.push(...olap.notes);
  } finally {
    await postgres.close();
  }
  // The rollups take room; a failed run leaves them for a look (the next run drops them).
  await withClient(DATABASE_URL, (client) => client.query('drop schema if exists analytics cascade'));

  if (pgliteLines !== history.lines) {
    step(`generating ${thousands(pgliteLines)} order lines of history for PGlite`);
    history = generateHistory(pgliteLines);
    notes.push(`PGlite's history: ${describe(history)}.`);
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'shop-bench-analytics-'));
  let pgliteVersion = '?';
  try {
    const pglite = await pgliteEngine(dataDir);
    pgliteVersion = pglite.version;
    try {
      const label = history.lines === lines ? pglite.name : `${pglite.name}, ${thousands(history.lines)} lines`;
      const part = await runEngine(pglite, label, history);
      rows.push(...part.rows);
      notes.push(...part.notes);
    } finally {
      await pglite.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }

  const minutes = (performance.now() - started) / 60_000;
  return {
    duration: 0,
    rows,
    setting: `${thousands(lines)} order lines, counted calls rather than a duration`,
    notes: [
      '',
      `Machine: ${machineText}, PGlite ${readPgliteVersion()} (PostgreSQL ${pgliteVersion}) in this process. Code: ${code}.`,
      `Load average ${loadBefore} before the run, ${loadAverage()} at its end (1/5/15 min); ${minutes.toFixed(1)} min in all.`,
      'req/s: events per second (ingest, bulk load, ETL) or calls per second of one caller (dashboard: calls ÷ their summed time);',
      "p50/p99 ms: of one call (one append, one appendMany, one ETL step of 5,000 events, one dashboard call); vs baseline: req/s ÷ the baseline's.",
      ...notes,
    ],
  };
}

function readPgliteVersion(): string {
  try {
    const path = join(process.cwd(), 'node_modules/@electric-sql/pglite/package.json');
    return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}
