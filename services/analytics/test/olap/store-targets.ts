import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@clickhouse/client';
import type { Database } from '@shop/platform';
import { type DatabaseTarget, databaseTargets } from '@shop/platform/testing';
import { MIGRATIONS_FOLDER } from '../../src/app.ts';
import { PgAnalyticsStore } from '../../src/db/pg-analytics-store.ts';
import { PgEventLog } from '../../src/db/pg-event-log.ts';
import { PgEventLogReader } from '../../src/db/pg-event-log-reader.ts';
import type { AnalyticsStore, BeforeWatermark, EventLogReader } from '../../src/domain/ports.ts';
import { ClickHouseAnalyticsStore } from '../../src/olap/clickhouse-analytics-store.ts';
import { DuckDbAnalyticsStore } from '../../src/olap/duckdb-analytics-store.ts';

/** What a test may inject into a store it opens. */
export interface StoreOptions {
  beforeWatermark?: BeforeWatermark;
  /** Stores apart from the log: told when they find a new log. */
  onNewLog?: (watermark: number) => void;
}

/** One OLAP store on fresh storage, with the event log it reads. */
export interface OpenedStore {
  /** Where the test logs the events the store takes in (the new one after replaceLog). */
  log: PgEventLog;
  /**
   * A store over this storage, as the service opens it at start: close the last one and
   * call again for a restarted process. cleanup() closes any still open (close() twice is harmless).
   */
  store(options?: StoreOptions): Promise<AnalyticsStore>;
  /**
   * Stores kept apart from the log (DuckDB, ClickHouse) only: a new, empty log, as a new
   * database would be, which the stores opened from then on read.
   */
  replaceLog?(): Promise<void>;
  cleanup(): Promise<void>;
}

/** An OLAP store adapter the contract suite runs against. */
export interface StoreTarget {
  name: string;
  /** Whether several processes (replicas) may run the ETL into it at once; DuckDB's file is one process's. */
  replicas: boolean;
  open(): Promise<OpenedStore>;
}

/** A migrated analytics database of `target`, for the log (and, for the PostgreSQL rollups, the store). */
async function logDatabase(target: DatabaseTarget): Promise<{ database: Database; cleanup: () => Promise<void> }> {
  return target.open({ service: 'analytics', migrationsFolder: MIGRATIONS_FOLDER });
}

const postgresRollups = (target: DatabaseTarget): StoreTarget => ({
  name: `PostgreSQL rollups (${target.name})`,
  replicas: true,
  async open() {
    const { database, cleanup } = await logDatabase(target);
    return {
      log: new PgEventLog(database.db),
      store: async (options) => new PgAnalyticsStore(database.db, options?.beforeWatermark),
      cleanup,
    };
  },
});

const [pglite] = databaseTargets();

/**
 * A store apart from the log: the log on PGlite, the store opened by `openStore` over
 * storage that `dispose` removes. Every store and log opened is closed by cleanup().
 */
async function apartFromLog(
  openStore: (log: EventLogReader, options: StoreOptions) => Promise<AnalyticsStore>,
  dispose: () => Promise<void>,
): Promise<OpenedStore> {
  const stores: AnalyticsStore[] = [];
  const logs: Array<() => Promise<void>> = [];
  const newLog = async () => {
    const { database, cleanup } = await logDatabase(pglite as DatabaseTarget);
    logs.push(cleanup);
    return database;
  };
  let database = await newLog();
  const opened: OpenedStore = {
    log: new PgEventLog(database.db),
    store: async (options = {}) => {
      const store = await openStore(new PgEventLogReader(database.db), options);
      stores.push(store);
      return store;
    },
    replaceLog: async () => {
      database = await newLog();
      opened.log = new PgEventLog(database.db);
    },
    cleanup: async () => {
      try {
        for (const store of stores) await store.close();
        await dispose();
      } finally {
        for (const cleanup of logs) await cleanup();
      }
    },
  };
  return opened;
}

const duckDb: StoreTarget = {
  name: 'DuckDB',
  replicas: false,
  async open() {
    const path = join(tmpdir(), `shop-analytics-${randomBytes(6).toString('hex')}.duckdb`);
    return apartFromLog(
      (log, options) => DuckDbAnalyticsStore.open({ path, log, ...options }),
      async () => {
        rmSync(path, { force: true });
        rmSync(`${path}.wal`, { force: true });
      },
    );
  },
};

/** The ClickHouse server the tests use. Under CI=true the target runs without one too, and fails here: never a skip. */
export function clickHouseUrl(): string {
  const url = process.env.TEST_CLICKHOUSE_URL;
  if (!url) throw new Error('CI=true but TEST_CLICKHOUSE_URL is not set: the ClickHouse store tests need a server');
  return url;
}

/** Drops a test's ClickHouse database, through a client of its own (the stores' are closed by then). */
export async function dropClickHouseDatabase(url: string, database: string): Promise<void> {
  const server = createClient({ url });
  try {
    await server.command({ query: `DROP DATABASE IF EXISTS ${database}` });
  } finally {
    await server.close();
  }
}

/** ClickHouse at TEST_CLICKHOUSE_URL, a fresh database for each test, its log on PGlite as DuckDB's. */
const clickHouse: StoreTarget = {
  name: 'ClickHouse',
  replicas: true,
  async open() {
    const url = clickHouseUrl();
    const database = `shop_test_${randomBytes(6).toString('hex')}`;
    return apartFromLog(
      (log, options) => ClickHouseAnalyticsStore.open({ url, database, log, ...options }),
      () => dropClickHouseDatabase(url, database),
    );
  },
};

/** Whether this run tests against ClickHouse: when TEST_CLICKHOUSE_URL is set, and always under CI=true. */
export const withClickHouse = Boolean(process.env.TEST_CLICKHOUSE_URL) || process.env.CI === 'true';

/** Every adapter of the AnalyticsStore port this run can reach; ClickHouse when TEST_CLICKHOUSE_URL is set, and always under CI=true. */
export function storeTargets(): StoreTarget[] {
  return [...databaseTargets().map(postgresRollups), duckDb, ...(withClickHouse ? [clickHouse] : [])];
}
