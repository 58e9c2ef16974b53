/**
 * Helpers for tests: real databases, never mocks. Every test file gets its own PGlite
 * (cloned from a template prepared once per run) and, when PostgreSQL is reachable, its
 * own freshly created PostgreSQL database, dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { inject } from 'vitest';
import { type Database, type MigrationOptions, openPglite, openPostgres } from '../db/database.ts';

export interface TestServers {
  postgresUrl: string | null;
  redisUrl: string | null;
  pgliteTemplate: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    servers: TestServers;
  }
}

export function testServers(): TestServers {
  return inject('servers');
}

/** A new in-memory PGlite, cloned from the run's template. */
export async function freshPglite(): Promise<PGlite> {
  const tar = readFileSync(testServers().pgliteTemplate);
  return PGlite.create({ loadDataDir: new Blob([tar]) });
}

/** A new empty PostgreSQL database on the test server; `drop()` removes it. */
export async function freshPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const serverUrl = testServers().postgresUrl;
  if (!serverUrl) throw new Error('PostgreSQL is not reachable for this run');
  const name = `shop_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`drop database if exists "${name}" with (force)`);
      await client.end();
    },
  };
}

/** A database adapter a suite runs against: the same tests, on PGlite and on PostgreSQL. */
export interface DatabaseTarget {
  name: 'pglite' | 'postgres';
  /** Opens a fresh, migrated database for one service; `cleanup()` disposes of it. */
  open(options: MigrationOptions): Promise<{ database: Database; cleanup: () => Promise<void> }>;
}

const pgliteTarget: DatabaseTarget = {
  name: 'pglite',
  async open(options) {
    const client = await freshPglite();
    const database = await openPglite({ ...options, client });
    return { database, cleanup: () => client.close() };
  },
};

const postgresTarget: DatabaseTarget = {
  name: 'postgres',
  async open(options) {
    const { url, drop } = await freshPostgresDatabase();
    const database = await openPostgres({ ...options, url, poolSize: 5 });
    return {
      database,
      cleanup: async () => {
        await database.close();
        await drop();
      },
    };
  },
};

/** PGlite always; PostgreSQL when reachable (always in CI, where global setup fails otherwise). */
export function databaseTargets(): DatabaseTarget[] {
  return testServers().postgresUrl ? [pgliteTarget, postgresTarget] : [pgliteTarget];
}
export * from './metrics.ts';
export * from './ports.ts';
export * from './problem.ts';
export * from './schema.ts';
export * from './switchable-server.ts';
export * from './tokens.ts';
