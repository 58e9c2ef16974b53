/**
 * What the scenarios of `npm run bench` share: rows and the printed table, databases,
 * and child processes that are stopped even when a run fails or is interrupted.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg } from 'node:os';
import pg from 'pg';

export interface Row {
  name: string;
  /** Requests (or orders, or transactions) per second. */
  requests: number;
  p50: number;
  p99: number;
  errors: number;
  /** The baseline row this one is read against ("vs baseline"). */
  baseline?: Row;
  /** Printed after the row: status codes, averages, how long a backlog took to drain. */
  note?: string;
}

export interface Report {
  /** Seconds each row was loaded for. */
  duration: number;
  rows: Row[];
  /** What the rows ran with, for the title line; default `<BENCH_CONNECTIONS> connections`. */
  setting?: string;
  /** Lines printed under the table (targets met or missed). */
  notes?: string[];
}

export async function post(url: string, body: string, type: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: 'POST', body, headers: { 'content-type': type, ...headers } });
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as unknown;
}

/** `url` with another database name. */
export function withDatabase(url: string, name: string): string {
  const other = new URL(url);
  other.pathname = `/${name}`;
  return other.toString();
}

function quoted(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export async function ensureDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  await withClient(withDatabase(url, 'postgres'), async (client) => {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (!rowCount) await client.query(`create database ${quoted(name)}`);
  });
}

/** Drops the database of `url` (ending its sessions) and creates it empty. */
export async function recreateDatabase(url: string): Promise<void> {
  await dropDatabase(url);
  const name = new URL(url).pathname.slice(1);
  await withClient(withDatabase(url, 'postgres'), (client) => client.query(`create database ${quoted(name)}`));
}

export async function dropDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  await withClient(withDatabase(url, 'postgres'), (client) =>
    client.query(`drop database if exists ${quoted(name)} with (force)`),
  );
}

/** Statistics after loading, never on empty tables (README "Conventions"). */
export async function analyze(url: string): Promise<void> {
  await withClient(url, (client) => client.query('analyze'));
}

export async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** A port free right now on 127.0.0.1, below the range outgoing connections take theirs from. */
export { freePort } from '../packages/platform/src/testing/ports.ts';

/**
 * The environment of a child: ours without the service-prefixed settings (PRODUCT_DATABASE_URL
 * would win over DATABASE_URL and point the bench at a developer's database), plus `env`.
 */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(
    ([key]) => !/^(ACCOUNT|PRODUCT|CART|ORDER|NOTIFICATION|GATEWAY)_/.test(key),
  );
  return { ...Object.fromEntries(inherited), ...env };
}

/**
 * Runs a command to its end; fails if it fails. Its output goes to ours, or with
 * `capture` is returned (stdout and stderr together) and shown only if it fails.
 */
export async function runProcess(
  command: string,
  args: string[],
  env: Record<string, string>,
  options: { capture?: boolean; cwd?: string } = {},
): Promise<string> {
  const child = spawn(command, args, {
    env: childEnv(env),
    cwd: options.cwd,
    stdio: ['ignore', options.capture ? 'pipe' : 'inherit', options.capture ? 'pipe' : 'inherit'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk;
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${code}${output ? `:\n${output}` : ''}`);
  return output;
}

/** Servers started and not yet stopped, so an interrupted run stops them too. */
const running = new Set<ChildProcess>();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    await Promise.all([...running].map(stop));
    process.exit(130);
  });
}

/**
 * Starts a server in its own process group and waits until `readyUrl` answers 2xx.
 * Its stderr goes to ours, or with `logFile` its stdout and stderr go to that file.
 */
export async function startProcess(
  command: string,
  args: string[],
  env: Record<string, string>,
  readyUrl: string,
  options: { logFile?: string; attempts?: number } = {},
): Promise<ChildProcess> {
  const log = options.logFile ? openSync(options.logFile, 'a') : undefined;
  const stdio: Array<'ignore' | 'inherit' | number> =
    log === undefined ? ['ignore', 'ignore', 'inherit'] : ['ignore', log, log];
  const child = spawn(command, args, { env: childEnv(env), stdio, detached: true });
  if (log !== undefined) closeSync(log); // the child holds its own descriptor
  running.add(child);
  child.once('exit', () => running.delete(child));
  for (let i = 0; i < (options.attempts ?? 120); i++) {
    try {
      if ((await fetch(readyUrl)).ok) return child;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) {
      const where = options.logFile ? ` (output in ${options.logFile})` : '';
      throw new Error(`${args.join(' ')} exited with ${child.exitCode}${where}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop(child);
  throw new Error(`${readyUrl} did not answer`);
}

/** Ends the child's whole process group (npx → tsx → node), SIGKILL if SIGTERM is not enough. */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-(child.pid as number), name);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  const timeout = new Promise((resolve) => setTimeout(() => resolve('timeout'), 5_000));
  if ((await Promise.race([exited, timeout])) === 'timeout') signal('SIGKILL');
}

export function positive(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!(value > 0)) {
    console.error(`${name} must be a positive number, got "${process.env[name]}"`);
    process.exit(2);
  }
  return value;
}

export function percent(ratio: number): string {
  return `${Math.round(ratio * 100)} %`;
}

/** The `p`-th percentile (0–100) of `values`, nearest rank; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** `map` with at most `limit` calls in flight; results in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  map: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
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

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function loadAverage(): string {
  return loadavg()
    .map((value) => value.toFixed(1))
    .join(' / ');
}

export function print(title: string, report: Report, connections: number): void {
  const width = Math.max(52, ...report.rows.map((row) => row.name.length));
  console.log(
    `\n${title}: ${report.setting ?? `${connections} connections`}, ${report.duration} s each, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load average ${loadAverage()} (1/5/15 min, this run included)`,
  );
  console.log(
    `${'scenario'.padEnd(width)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'errors'.padStart(7)} ${'vs baseline'.padStart(12)}`,
  );
  for (const row of report.rows) {
    const ratio = row.baseline ? percent(row.requests / row.baseline.requests) : '';
    console.log(
      `${row.name.padEnd(width)} ${String(row.requests).padStart(8)} ${String(row.p50).padStart(7)} ${String(row.p99).padStart(7)} ${String(row.errors).padStart(7)} ${ratio.padStart(12)}${row.note ? `  ${row.note}` : ''}`,
    );
  }
  for (const note of report.notes ?? []) console.log(note);
}

// ---- CPU time from /proc (Linux) ----

/** Clock ticks per second, the unit of utime and stime in /proc/<pid>/stat. */
export const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** A process's name (comm), parent and CPU time so far (utime + stime, in ticks); undefined once it is gone. */
export function processStat(pid: number): { name: string; ppid: number; ticks: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The name is in parentheses and may hold spaces; the fields after it are plain.
  const close = text.lastIndexOf(')');
  const fields = text.slice(close + 2).split(' ');
  return {
    name: text.slice(text.indexOf('(') + 1, close),
    ppid: Number(fields[1]),
    ticks: Number(fields[11]) + Number(fields[12]),
  };
}

/** CPU ticks so far of each of `pids` still running. */
export function cpuTicks(pids: Iterable<number>): Map<number, number> {
  const ticks = new Map<number, number>();
  for (const pid of pids) {
    const stat = processStat(pid);
    if (stat) ticks.set(pid, stat.ticks);
  }
  return ticks;
}

/**
 * Milliseconds of CPU the processes of `after` spent since `before`: a process that started
 * in between counts from zero, one that ended in between is lost (pools keep theirs open).
 */
export function cpuMsBetween(before: Map<number, number>, after: Map<number, number>): number {
  let ticks = 0;
  for (const [pid, now] of after) ticks += now - (before.get(pid) ?? 0);
  return (ticks * 1000) / CLOCK_TICKS;
}

/** Milliseconds of CPU the running processes of `pids` have used so far, together. */
export function cpuMsSoFar(pids: Iterable<number>): number {
  let ticks = 0;
  for (const each of cpuTicks(pids).values()) ticks += each;
  return (ticks * 1000) / CLOCK_TICKS;
}

/** Every process whose name (comm, at most 15 characters) starts with `prefix`. */
export function pidsNamed(prefix: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => processStat(pid)?.name.startsWith(prefix));
}

/** Every process named `postgres`: the whole server, whichever database its backends serve. */
export function postgresServerPids(): number[] {
  return pidsNamed('postgres').filter((pid) => processStat(pid)?.name === 'postgres');
}

/**
 * The PostgreSQL processes that work for the database of `url`: its backends, and the
 * server's background processes (WAL writer, checkpointer, ...) that every database shares.
 * Other databases' backends (tests running on the same server) are left out.
 */
export async function postgresPids(url: string): Promise<number[]> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  return withClient(url, async (client) => {
    const result = await client.query<{ pid: number }>(
      'select pid from pg_stat_activity where (datname = $1 or datname is null) and pid <> pg_backend_pid()',
      [name],
    );
    return result.rows.map((row) => row.pid);
  });
}

/** The machine a run is read against: CPU, cores, Node and PostgreSQL. */
export async function machine(url: string): Promise<string> {
  const version = await withClient(url, async (client) => {
    const result = await client.query<{ server_version: string }>('show server_version');
    return result.rows[0]?.server_version.split(' ')[0] ?? '?';
  });
  return `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, PostgreSQL ${version}`;
}

/**
 * A port free right now on 127.0.0.1 between 18500 and 19999: below the range the tests
 * take theirs from (freePort, 20000-32000), so a bench running minutes beside a test run
 * never holds a port a test has chosen and not yet listened on.
 */
export async function benchPort(): Promise<number> {
  const first = 18_500;
  const last = 20_000;
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = first + Math.floor(Math.random() * (last - first));
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port between ${first} and ${last - 1}`);
}

/**
 * The code a run measured: the commit, and how many files of the server's sources
 * (packages, services, apps) differed from it, as a working tree being changed does.
 */
export function codeVersion(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trim();
    const commit = git('rev-parse', '--short=10', 'HEAD');
    const changed = git('status', '--porcelain', '--', 'packages', 'services', 'apps').split('\n').filter(Boolean);
    return changed.length === 0
      ? `commit ${commit}`
      : `commit ${commit} with ${changed.length} changed or new files under packages/, services/, apps/ not committed`;
  } catch {
    return 'not a git checkout';
  }
}
