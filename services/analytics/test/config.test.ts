import { ConfigError } from '@shop/platform';
import { describe, expect, it } from 'vitest';
import { loadAnalyticsConfig } from '../src/config.ts';

describe('configuration', () => {
  it('when nothing is set, then the rollups take in events every 30 s, in euros, on port 8011', () => {
    expect(loadAnalyticsConfig({})).toMatchObject({ PORT: 8011, ETL_INTERVAL_SECONDS: 30, CURRENCY: 'EUR' });
  });

  it('when nothing is set, then the product service is on 8001 of this host and the demo history is on', () => {
    expect(loadAnalyticsConfig({})).toMatchObject({ PRODUCT_URL: 'http://127.0.0.1:8001', DEMO_HISTORY: true });
    expect(loadAnalyticsConfig({ ANALYTICS_DEMO_HISTORY: 'false' }).DEMO_HISTORY).toBe(false);
    expect(() => loadAnalyticsConfig({ DEMO_HISTORY: 'sometimes' })).toThrow(/DEMO_HISTORY/);
  });

  it('when ANALYTICS_<KEY> and <KEY> are both set, then the prefixed one wins', () => {
    const config = loadAnalyticsConfig({
      ETL_INTERVAL_SECONDS: '60',
      ANALYTICS_ETL_INTERVAL_SECONDS: '5',
      CURRENCY: 'USD',
    });
    expect(config.ETL_INTERVAL_SECONDS).toBe(5);
    expect(config.CURRENCY).toBe('USD');
  });

  it('when ETL_INTERVAL_SECONDS is 0 or CURRENCY is not ISO 4217, then loading fails and names the variable', () => {
    expect(() => loadAnalyticsConfig({ ETL_INTERVAL_SECONDS: '0' })).toThrow(ConfigError);
    expect(() => loadAnalyticsConfig({ ETL_INTERVAL_SECONDS: '0' })).toThrow(/ETL_INTERVAL_SECONDS/);
    expect(() => loadAnalyticsConfig({ CURRENCY: 'euro' })).toThrow(/CURRENCY/);
  });
});
