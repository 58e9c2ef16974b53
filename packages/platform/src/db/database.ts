import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { type SQL, sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { type PgDatabase, PgDialect, type PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import lockfile from 'proper-lockfile';
import { PgListener } from './pg-listener.ts';

/** A Drizzle database or transaction: both run queries the same way. */
// biome-ignore lint/suspicious/noExplicitAny: Drizzle's schema generic is open by design.
export type Db = PgDatabase<PgQueryResultHKT, any>;

/**
 * The rows of one raw statement, as the driver gives them (snake_case columns; int8 as a
 * string; timestamps as strings or Dates, so read them with `new Date()`). For a hot path
 * where one hand-written statement replaces several round trips. With a `name`, the
 * statement is prepared on each connection the first time it runs there, then only bound
 * and executed (PostgreSQL parses and plans it once): the same name must always come with
 * the same SQL text, the values alone differing.
 */
export async function queryRows<T>(db: Db, query: SQL, name?: string): Promise<T[]> {
  if (name === undefined) return ((await db.execute(query)) as unknown as { rows: T[] }).rows;
  const prepared = db._.session.prepareQuery(dialect.sqlToQuery(query), undefined, name, false);
  return ((await prepared.execute()) as { rows: T[] }).rows;
}

const dialect = new PgDialect();

/** A statement built once by `preparedStatement`: run it with its placeholders' values. */
export type PreparedStatement<V extends Record<string, unknown>, T> = (db: Db, values: V) => Promise<T[]>;

/**
 * A hot statement whose SQL text is built once, here, rather than on every call: its values
 * are Drizzle placeholders (`sql.placeholder('name')`), filled at each run from `values`.
 * Like `queryRows` with a name, it is prepared on each connection the first time it runs
 * there (PostgreSQL parses and plans it once), then only bound and executed; rows come
 * as the driver gives them.
 */
export function preparedStatement<V extends Record<string, unknown>, T>(
  name: string,
  query: SQL,
): PreparedStatement<V, T> {
  const built = dialect.sqlToQuery(query);
  return async (db, values) => {
    const prepared = db._.session.prepareQuery(built, undefined, name, false);
    return ((await prepared.execute(values)) as { rows: T[] }).rows;
  };
}

export interface Database {
  readonly db: Db;
  readonly kind: 'postgres' | 'pglite';
  /** Runs `select 1`; used by the readiness check. */
  ping(): Promise<void>;
  /** Closes what this handle owns (a pg pool; a shared PGlite stays open for the others). */
  close(): Promise<void>;
  /**
   * A named leadership among the processes sharing this database: at most one holds it
   * at a time (a session advisory lock on its own connection in PostgreSQL; always the
   * one process in PGlite). Lost when the holder's connection drops.
   */
  leadership(name: string): Leadership;
  /**
   * Calls `onNotify` for each notification on `channel` (a lowercase identifier) that a
   * committed transaction sent, until the returned function is called. Best effort: in
   * PostgreSQL the listening connection reconnects after it drops, and what was sent
   * meanwhile is lost, so a listener also polls.
   */
  listen(channel: string, onNotify: () => void): Promise<Unlisten>;
}

export type Unlisten = () => Promise<void>;

export interface Leadership {
  /** Takes the lead if free; true while this process holds it. */
  acquire(): Promise<boolean>;
  release(): Promise<void>;
}

export interface MigrationOptions {
  /** The service name, which is also its PostgreSQL schema. */
  service: string;
  /** Folder holding the service's SQL migrations and their `meta/_journal.json`. */
  migrationsFolder: string;
}

const MIGRATIONS_TABLE = '__migrations';

/**
 * Server mode: a pg pool on `url`. The service's migrations are applied first, on one
 * dedicated connection holding an advisory lock, so replicas starting together apply
 * them once.
 */
export async function openPostgres(options: MigrationOptions & { url: string; poolSize?: number }): Promise<Database> {
  await migratePostgres(options);
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    application_name: options.service,
    connectionTimeoutMillis: 5_000,
  });
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it on next use.
  });
  const db = drizzlePg({ client: pool });
  const leaderships: PgLeadership[] = [];
  const listeners = new Set<PgListener>();
  let closed = false;
  return {
    db,
    kind: 'postgres',
    ping: async () => {
      await pool.query('select 1');
    },
    close: async () => {
      closed = true;
      await Promise.all(leaderships.map((leadership) => leadership.release()));
      await Promise.all([...listeners].map((listener) => listener.close()));
      await pool.end();
    },
    leadership: (name) => {
      const leadership = new PgLeadership(options.url, `${options.service}:${name}`, () => closed);
      leaderships.push(leadership);
      return leadership;
    },
    listen: async (channel, onNotify) => {
      if (closed) throw new Error('the database handle is closed');
      const listener = new PgListener(options.url, channel, onNotify);
      listeners.add(listener);
      await listener.open();
      return async () => {
        listeners.delete(listener);
        await listener.close();
      };
    },
  };
}

/** Session advisory lock on a dedicated connection: no transaction stays open while held. */
class PgLeadership implements Leadership {
  private client: pg.Client | undefined;
  private held = false;

  constructor(
    private readonly url: string,
    private readonly key: string,
    /** A closed database handle never leads again. */
    private readonly isClosed: () => boolean,
  ) {}

  async acquire(): Promise<boolean> {
    if (this.isClosed()) return false;
    if (this.held && this.client) return true;
    try {
      if (!this.client) {
        const client = new pg.Client({ connectionString: this.url, application_name: `leader:${this.key}` });
        client.on('error', () => this.drop(client));
        client.on('end', () => this.drop(client));
        await client.connect();
        this.client = client;
      }
      const { rows } = await this.client.query<{ ok: boolean }>('select pg_try_advisory_lock(hashtext($1)) as ok', [
        this.key,
      ]);
      this.held = rows[0]?.ok === true;
    } catch {
      this.drop(this.client);
    }
    return this.held;
  }

  async release(): Promise<void> {
    const client = this.client;
    this.drop(client);
    await client?.end().catch(() => undefined);
  }

  private drop(client: pg.Client | undefined): void {
    if (client && client === this.client) {
      this.client = undefined;
      this.held = false;
    }
  }
}

async function migratePostgres(options: MigrationOptions & { url: string }): Promise<void> {
  const client = new pg.Client({ connectionString: options.url, application_name: `${options.service}-migrate` });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock(hashtext($1))', [`shop.migrate.${options.service}`]);
    await client.query(`create schema if not exists "${options.service}"`);
    await migratePg(drizzlePg({ client }), {
      migrationsFolder: options.migrationsFolder,
      migrationsSchema: options.service,
      migrationsTable: MIGRATIONS_TABLE,
    });
  } finally {
    await client.query('select pg_advisory_unlock_all()').catch(() => {});
    await client.end();
  }
}

/**
 * Embedded mode: one PGlite instance shared by every service in the process. PGlite
 * is a single connection and serializes transactions itself, so services simply share it.
 */
export async function openPglite(options: MigrationOptions & { client: PGlite }): Promise<Database> {
  const db = drizzlePglite({ client: options.client });
  await options.client.exec(`create schema if not exists "${options.service}"`);
  await migratePglite(db, {
    migrationsFolder: options.migrationsFolder,
    migrationsSchema: options.service,
    migrationsTable: MIGRATIONS_TABLE,
  });
  return {
    db,
    kind: 'pglite',
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    close: async () => {},
    // One process owns a PGlite database, so it always leads.
    leadership: () => ({ acquire: async () => true, release: async () => {} }),
    // The one connection every service shares: it hears each notification once per listener.
    listen: async (channel, onNotify) => {
      const unlisten = await options.client.listen(channel, () => onNotify());
      return async () => {
        // Closing the shared database at shutdown drops every listener with it.
        if (!options.client.closed) await unlisten();
      };
    },
  };
}

export interface SharedPglite {
  client: PGlite;
  /** Closes the database and releases the data directory. */
  close(): Promise<void>;
}

/**
 * Opens (creating if needed) the PGlite data directory the embedded services share.
 * PGlite is one process's database: a lock file keeps a second process from opening
 * the same directory and corrupting it.
 */
export async function openSharedPglite(dataDir: string): Promise<SharedPglite> {
  mkdirSync(dataDir, { recursive: true });
  const release = await lockDataDir(dataDir);
  const pidFile = `${dataDir}.pid`;
  writeFileSync(pidFile, String(process.pid));
  const unlock = async () => {
    rmSync(pidFile, { force: true });
    await release();
  };
  try {
    const client = await PGlite.create({ dataDir });
    return {
      client,
      close: async () => {
        await client.close();
        await unlock();
      },
    };
  } catch (error) {
    await unlock();
    throw error;
  }
}

/**
 * Locks the data directory for this process. A lock whose holder is gone (killed, so it
 * could not unlock) is taken over at once when its pid file names a process that no
 * longer exists; otherwise the lock goes stale 15 s after its holder stopped renewing it.
 */
async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const lock = () => lockfile.lock(dataDir, { stale: 15_000, update: 5_000, realpath: false });
  try {
    return await lock();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    if (holderIsGone(`${dataDir}.pid`)) {
      rmSync(`${dataDir}.lock`, { recursive: true, force: true });
      return lock().catch(() => {
        throw dataDirInUse(dataDir);
      });
    }
    throw dataDirInUse(dataDir);
  }
}

function holderIsGone(pidFile: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8').trim());
  } catch {
    return false;
  }
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

const dataDirInUse = (dataDir: string) =>
  new Error(`Another process is using the data directory ${dataDir}. Is the shop already running?`);
