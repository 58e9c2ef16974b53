import { describeConfig } from '@shop/platform';
import type { TSchema } from 'typebox';
import { AccountConfigSchema } from '../services/account/src/config.ts';
import { AnalyticsConfigSchema } from '../services/analytics/src/config.ts';
import { CartConfigSchema } from '../services/cart/src/config.ts';
import { GatewayConfigSchema } from '../services/gateway/src/config.ts';
import { NotificationConfigSchema } from '../services/notification/src/config.ts';
import { OrderConfigSchema } from '../services/order/src/config.ts';
import { ProductConfigSchema } from '../services/product/src/config.ts';

/** Every service's configuration schema, by service name. */
export const CONFIG_SCHEMAS: Record<string, TSchema> = {
  account: AccountConfigSchema,
  product: ProductConfigSchema,
  cart: CartConfigSchema,
  order: OrderConfigSchema,
  notification: NotificationConfigSchema,
  analytics: AnalyticsConfigSchema,
  gateway: GatewayConfigSchema,
};

/** The README's configuration table: one row per variable, the services that read it, default(s), meaning. */
export function configTable(): string {
  const rows = new Map<string, { defaults: Array<[string, string]>; description: string }>();
  for (const [service, schema] of Object.entries(CONFIG_SCHEMAS)) {
    for (const entry of describeConfig(schema)) {
      const row = rows.get(entry.name) ?? { defaults: [], description: entry.description };
      row.defaults.push([service, entry.default]);
      rows.set(entry.name, row);
    }
  }
  const show = (value: string) => (value === '' ? '(empty)' : `\`${value}\``);
  const lines = ['| variable | services | default | what it does |', '|---|---|---|---|'];
  for (const [name, row] of rows) {
    const services = row.defaults.map(([service]) => service).join(', ');
    const distinct = new Set(row.defaults.map(([, value]) => value));
    const defaults =
      distinct.size === 1
        ? show(row.defaults[0]?.[1] ?? '')
        : row.defaults.map(([service, value]) => `${service}: ${show(value)}`).join(', ');
    lines.push(`| \`${name}\` | ${services} | ${defaults} | ${row.description} |`);
  }
  return lines.join('\n');
}
