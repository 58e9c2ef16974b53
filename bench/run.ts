/**
 * `npm run bench [-- <scenario>]`: load scenarios against real servers in server mode,
 * each printed next to a baseline measured in the same run on the same machine.
 *
 * Scenarios: account. Settings: BENCH_DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/shop_bench, created if missing), BENCH_DURATION
 * seconds per run (default 10), BENCH_CONNECTIONS (default 32).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cpus } from 'node:os';
import autocannon from 'autocannon';
import pg from 'pg';

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/shop_bench';
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);

interface Row {
  name: string;
  requests: number;
  p50: number;
  p99: number;
  errors: number;
}

const scenarios: Record<string, () => Promise<Row[]>> = { account: accountScenario };

async function accountScenario(): Promise<Row[]> {
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
      await load('account GET /api/account/me (JWT verify + lookup)', `${base}/api/account/me`, {
        authorization: `Bearer ${tokens.access_token}`,
      }),
    );
    rows.push(await load('account GET /.well-known/jwks.json', `${base}/.well-known/jwks.json`));
    const baseline = await startProcess(
      'npx',
      ['tsx', 'bench/baselines/account-me.ts'],
      { DATABASE_URL, PORT: '18103', USER_ID: String(me.id) },
      'http://127.0.0.1:18103/api/account/me',
    );
    try {
      rows.push(await load('baseline: bare Fastify + pg, same SQL, no auth', 'http://127.0.0.1:18103/api/account/me'));
    } finally {
      await stop(baseline);
    }
    return rows;
  } finally {
    await stop(service);
  }
}

async function load(name: string, url: string, headers: Record<string, string> = {}): Promise<Row> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION, headers });
  return {
    name,
    requests: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

async function post(url: string, body: string, type: string): Promise<unknown> {
  const response = await fetch(url, { method: 'POST', body, headers: { 'content-type': type } });
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
  return response.json();
}

async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = target.pathname.slice(1);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
  if (!rowCount) await client.query(`create database "${name.replace(/"/g, '""')}"`);
  await client.end();
}

/** Statistics after loading, never on empty tables (ARCHITECTURE §8). */
async function analyze(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('analyze');
  await client.end();
}

async function startProcess(
  command: string,
  args: string[],
  env: Record<string, string>,
  readyUrl: string,
): Promise<ChildProcess> {
  const child = spawn(command, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true,
  });
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(readyUrl)).ok) return child;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop(child);
  throw new Error(`${readyUrl} did not answer`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid, 'SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
}

function print(title: string, rows: Row[]): void {
  const baseline = rows.find((row) => row.name.startsWith('baseline'));
  console.log(
    `\n${title}: ${CONNECTIONS} connections, ${DURATION} s each, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`,
  );
  console.log(
    `${'scenario'.padEnd(52)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'errors'.padStart(7)} ${'vs baseline'.padStart(12)}`,
  );
  for (const row of rows) {
    const ratio = baseline ? `${Math.round((row.requests / baseline.requests) * 100)} %` : '';
    console.log(
      `${row.name.padEnd(52)} ${String(row.requests).padStart(8)} ${String(row.p50).padStart(7)} ${String(row.p99).padStart(7)} ${String(row.errors).padStart(7)} ${ratio.padStart(12)}`,
    );
  }
}

const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const names = wanted.length > 0 ? wanted : Object.keys(scenarios);
for (const name of names) {
  const scenario = scenarios[name];
  if (!scenario) {
    console.error(`unknown scenario "${name}"; known: ${Object.keys(scenarios).join(', ')}`);
    process.exit(2);
  }
  print(name, await scenario());
}
