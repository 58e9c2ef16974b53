/**
 * Runs once per `npm test`: finds which servers are reachable for the server-mode
 * tests, prepares one initialised PGlite data directory that every test file
 * clones (creating one costs seconds; loading a copy costs half a second), and builds the
 * web app and the server packages' production build (what the server-mode tests run) if
 * either is missing or stale.
 *
 * Without CI=true an unreachable server skips its tests with one line saying so; with
 * CI=true it fails the run, so CI never passes with server tests silently skipped.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { ensureWebBuild } from '../apps/stack/src/web-build.ts';
import { buildServer } from '../scripts/server-build.ts';

const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export default async function setup(project: TestProject) {
  const [postgres, redis, pgliteTemplate] = await Promise.all([
    probePostgres(POSTGRES_URL),
    probeRedis(REDIS_URL),
    preparePgliteTemplate(),
    // Once, before the stacks the tests start would each find it missing or stale.
    ensureWebBuild(),
    buildServer(),
  ]);
  const missing = [
    postgres.ok ? null : `PostgreSQL at ${POSTGRES_URL} (${postgres.reason})`,
    redis.ok ? null : `Redis at ${REDIS_URL} (${redis.reason})`,
  ].filter(Boolean);
  if (missing.length > 0) {
    if (process.env.CI === 'true') throw new Error(`CI=true but not reachable: ${missing.join('; ')}`);
    console.warn(`server-mode tests skipped, not reachable: ${missing.join('; ')}`);
  }
  project.provide('servers', {
    postgresUrl: postgres.ok ? POSTGRES_URL : null,
    redisUrl: redis.ok ? REDIS_URL : null,
    pgliteTemplate: pgliteTemplate.file,
  });
  return () => rmSync(pgliteTemplate.dir, { recursive: true, force: true });
}

async function probePostgres(url: string): Promise<{ ok: boolean; reason?: string }> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: (error as Error).message || String(error) };
  } finally {
    await client.end().catch(() => {});
  }
}

async function probeRedis(url: string): Promise<{ ok: boolean; reason?: string }> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => {}); // the reason is reported below, once
  try {
    await redis.connect();
    await redis.ping();
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: (error as Error).message || String(error) };
  } finally {
    redis.disconnect();
  }
}

async function preparePgliteTemplate(): Promise<{ dir: string; file: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'shop-pglite-'));
  const db = await PGlite.create();
  const dump = await db.dumpDataDir('none');
  await db.close();
  const file = join(dir, 'template.tar');
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  return { dir, file };
}
