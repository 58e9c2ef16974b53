/**
 * `migrate` (apps/stack/src/migrate.ts) as a deployment runs it: a child process against
 * real PostgreSQL, a fresh database per test, judged by its exit code, its output and
 * what it left in the database.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { freshPostgresDatabase, testServers } from '@shop/platform/testing';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = new URL('../../../', import.meta.url).pathname;
const SERVICES = ['account', 'product', 'cart', 'order', 'notification', 'analytics'] as const;

/** How many migrations the service's journal lists. */
function journalLength(service: string): number {
  const journal = readFileSync(`${ROOT}services/${service}/src/db/migrations/meta/_journal.json`, 'utf8');
  return (JSON.parse(journal) as { entries: unknown[] }).entries.length;
}

/** Runs migrate with `args` and only the database variables given in `env`. */
function migrate(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.endsWith('DATABASE_URL') && name !== 'LOG_LEVEL'),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/stack/src/migrate.ts', ...args], {
    cwd: ROOT,
    env: { ...inherited, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

/** The service's applied migrations in the database at `url`; null when it has no such schema. */
async function appliedMigrations(url: string, service: string): Promise<number | null> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ table: string | null }>('select to_regclass($1) as table', [
      `"${service}".__migrations`,
    ]);
    if (!rows[0]?.table) return null;
    const counted = await client.query<{ n: string }>(`select count(*) as n from "${service}".__migrations`);
    return Number(counted.rows[0]?.n);
  } finally {
    await client.end();
  }
}

describe.runIf(testServers().postgresUrl !== null)('migrate on PostgreSQL', () => {
  const drops: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await Promise.all(drops.splice(0).map((drop) => drop()));
  });

  async function database(): Promise<string> {
    const { url, drop } = await freshPostgresDatabase();
    drops.push(drop);
    return url;
  }

  it('when two runs start at the same time on an empty database, then both exit 0 and every service’s migrations are applied once', async () => {
    const url = await database();
    const runs = await Promise.all([migrate([], { DATABASE_URL: url }), migrate([], { DATABASE_URL: url })]);
    for (const run of runs) expect(run, run.output).toMatchObject({ code: 0 });
    for (const service of SERVICES) {
      expect(journalLength(service)).toBeGreaterThan(0);
      expect(await appliedMigrations(url, service), service).toBe(journalLength(service));
    }
    expect(runs[0]?.output).toContain('notification: migrations applied');
  });

  it('when a service has its own <SERVICE>_DATABASE_URL, then its migrations go there and only the named services are migrated', async () => {
    const [shared, orders] = await Promise.all([database(), database()]);
    const run = await migrate(['order', 'product'], { DATABASE_URL: shared, ORDER_DATABASE_URL: orders });
    expect(run, run.output).toMatchObject({ code: 0 });
    expect(await appliedMigrations(orders, 'order')).toBe(journalLength('order'));
    expect(await appliedMigrations(orders, 'product')).toBeNull();
    expect(await appliedMigrations(shared, 'product')).toBe(journalLength('product'));
    expect(await appliedMigrations(shared, 'order')).toBeNull();
    expect(await appliedMigrations(shared, 'account')).toBeNull();
  });
});

// Independent child processes: run side by side, they cost one start-up instead of three.
describe.concurrent('migrate refusing to run', () => {
  it('when a name is not a service with a database, then it exits 1 naming it and the usage', async ({ expect }) => {
    const run = await migrate(['order', 'gateway'], { DATABASE_URL: 'postgres://127.0.0.1:1/none' });
    expect(run.code).toBe(1);
    expect(run.output).toContain(
      'Unknown service gateway. Usage: migrate [account|product|cart|order|notification|analytics ...]',
    );
  });

  it('when no database URL is set for a service, then it exits 1 naming the variables to set', async ({ expect }) => {
    const run = await migrate(['cart'], {});
    expect(run.code).toBe(1);
    expect(run.output).toContain('No PostgreSQL URL for cart: set DATABASE_URL (or CART_DATABASE_URL).');
  });

  it('when PostgreSQL cannot be reached, then it exits 1 saying which service failed and why', async ({ expect }) => {
    const run = await migrate(['account'], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/shop' });
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/account: migrations failed: connect ECONNREFUSED 127\.0\.0\.1:1/);
  });
});
