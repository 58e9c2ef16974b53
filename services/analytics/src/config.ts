import { accountUrlField, loadConfig, serviceConfigFields } from '@shop/platform';
import { type Static, Type } from 'typebox';

/**
 * Every setting of the analytics service. Each key may also be given as ANALYTICS_<KEY>,
 * which wins over <KEY> when several services share one environment.
 */
export const AnalyticsConfigSchema = Type.Object({
  ...serviceConfigFields(8011),
  ...accountUrlField,
  CURRENCY: Type.String({ default: 'EUR', pattern: '^[A-Z]{3}$', description: 'The shop’s one currency (ISO 4217).' }),
  ETL_INTERVAL_SECONDS: Type.Integer({
    default: 30,
    minimum: 1,
    description:
      'How often the rollups take in new events, in seconds (POST /api/admin/analytics/refresh does it at once).',
  }),
  PRODUCT_URL: Type.String({
    default: 'http://127.0.0.1:8001',
    description:
      'Where the analytics service reaches the product service for today’s stock (stock-outs) and the catalog (demo history).',
  }),
  OLAP_STORE: Type.String({
    default: 'auto',
    pattern: '^(auto|postgres|duckdb|clickhouse)$',
    description:
      'Where the facts and rollups the reports read are kept: duckdb (the file analytics.duckdb under DATA_DIR), clickhouse (CLICKHOUSE_URL) or postgres (tables beside the event log). auto: duckdb in embedded mode; in server mode clickhouse when CLICKHOUSE_URL is set, postgres otherwise.',
  }),
  CLICKHOUSE_URL: Type.String({
    default: '',
    description:
      'ClickHouse’s HTTP URL (http://host:8123, user and password in the URL when needed), for OLAP_STORE clickhouse.',
  }),
  CLICKHOUSE_DATABASE: Type.String({
    default: 'shop_analytics',
    pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
    description: 'The ClickHouse database the analytics tables go in; created when missing.',
  }),
  EVENT_STREAM_MAX_AGE: Type.String({
    default: '30D',
    pattern: '^[1-9][0-9]*[YMDhms]$',
    description:
      'Server mode: how long the RabbitMQ stream queue ecom.events.stream keeps every event for replay (RabbitMQ x-max-age: 30D, 12h, …). Set by the first declaration only.',
  }),
  STREAM_REPLAY_FROM: Type.String({
    default: '',
    pattern: '^(|first|[0-9]+)$',
    description:
      'Server mode: read the event stream from here at this start (first, or an offset) instead of where the log stopped, to replay what the stream still keeps into the log (each event id is kept once). Empty: go on where it stopped.',
  }),
  DEMO_HISTORY: Type.Boolean({
    default: true,
    description:
      'Load ~4 months of generated order history on first start in embedded mode when the event log holds no order event, so the dashboard and forecasts have data; marked as demo by source analytics/demo-history.',
  }),
});

export type AnalyticsConfig = Static<typeof AnalyticsConfigSchema>;

export function loadAnalyticsConfig(env: NodeJS.ProcessEnv = process.env): AnalyticsConfig {
  return loadConfig(AnalyticsConfigSchema, { env, service: 'analytics' });
}
