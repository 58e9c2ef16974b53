import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import lockfile from 'proper-lockfile';

/** A Drizzle database or transaction: both run queries the same way. */
// biome-ignore lint/suspicious/noExplicitAny: Drizzle's schema generic is open by design.
export type Db = PgDatabase<PgQueryResultHKT, any>;

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
}

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
      await pool.end();
    },
    leadership: (name) => {
      const leadership = new PgLeadership(options.url, `${options.service}:${name}`, () => closed);
      leaderships.push(leadership);
      return leadership;
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
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dataDir, { stale: 15_000, update: 5_000, realpath: false });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED') {
      throw new Error(`Another process is using the data directory ${dataDir}. Is the shop already running?`);
    }
    throw error;
  }
  try {
    const client = await PGlite.create({ dataDir });
    return {
      client,
      close: async () => {
        await client.close();
        await release();
      },
    };
  } catch (error) {
    await release();
    throw error;
  }
}
