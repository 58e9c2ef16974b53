import { join } from 'node:path';
import type { Db, Logger } from '@shop/platform';
import type { AnalyticsConfig } from '../config.ts';
import { PgAnalyticsStore } from '../db/pg-analytics-store.ts';
import { PgEventLogReader } from '../db/pg-event-log-reader.ts';
import type { AnalyticsStore } from '../domain/ports.ts';

export type OlapStoreKind = 'postgres' | 'duckdb' | 'clickhouse';

type StoreConfig = Pick<
  AnalyticsConfig,
  'OLAP_STORE' | 'CLICKHOUSE_URL' | 'CLICKHOUSE_DATABASE' | 'DATABASE_URL' | 'DATA_DIR'
>;

/** The store OLAP_STORE names, or for auto: DuckDB embedded; ClickHouse when given, else PostgreSQL, in server mode. */
export function olapStoreKind(config: StoreConfig): OlapStoreKind {
  if (config.OLAP_STORE !== 'auto') return config.OLAP_STORE as OlapStoreKind;
  if (config.DATABASE_URL === '') return 'duckdb';
  return config.CLICKHOUSE_URL === '' ? 'postgres' : 'clickhouse';
}

/**
 * Opens the OLAP store the configuration chooses, over the event log in `db`. The DuckDB
 * and ClickHouse drivers load only when chosen: a deployment that uses neither never loads
 * their native or HTTP clients.
 */
export async function openAnalyticsStore(config: StoreConfig, db: Db, logger: Logger): Promise<AnalyticsStore> {
  const kind = olapStoreKind(config);
  if (kind === 'postgres') return new PgAnalyticsStore(db);
  const log = new PgEventLogReader(db);
  const onNewLog = (where: string) => (watermark: number) =>
    logger.warn(
      { store: kind, where, watermark },
      'the analytics store counted another event log (the database is new): its figures are rebuilt from this one',
    );
  if (kind === 'duckdb') {
    const { DuckDbAnalyticsStore } = await import('./duckdb-analytics-store.ts');
    const path = join(config.DATA_DIR, 'analytics.duckdb');
    return DuckDbAnalyticsStore.open({ path, log, onNewLog: onNewLog(path) });
  }
  if (config.CLICKHOUSE_URL === '') {
    throw new Error('OLAP_STORE is clickhouse but CLICKHOUSE_URL is empty: set the ClickHouse HTTP URL.');
  }
  const { ClickHouseAnalyticsStore } = await import('./clickhouse-analytics-store.ts');
  return ClickHouseAnalyticsStore.open({
    url: config.CLICKHOUSE_URL,
    database: config.CLICKHOUSE_DATABASE,
    log,
    onNewLog: onNewLog(config.CLICKHOUSE_DATABASE),
  });
}
