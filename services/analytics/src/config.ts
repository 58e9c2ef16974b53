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
