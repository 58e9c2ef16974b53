import { accountUrlField, loadConfig, serviceConfigFields } from '@shop/platform';
import { type Static, Type } from 'typebox';

/**
 * Every setting of the order service. Each key may also be given as ORDER_<KEY>, which
 * wins over <KEY> when several services share one environment.
 */
export const OrderConfigSchema = Type.Object({
  ...serviceConfigFields(8005),
  ...accountUrlField,
  CURRENCY: Type.String({ default: 'EUR', pattern: '^[A-Z]{3}$', description: 'The shop’s one currency (ISO 4217).' }),
  PRODUCT_URL: Type.String({
    default: 'http://127.0.0.1:8001',
    description: 'Where the order service reaches the product service.',
  }),
  CART_URL: Type.String({
    default: 'http://127.0.0.1:8007',
    description: 'Where the order service reaches the cart service; empty: orders with from_cart are refused (422).',
  }),
  ORDER_CLIENT_ID: Type.String({
    default: 'order',
    description: 'The order service’s OAuth client id (client_credentials).',
  }),
  ORDER_CLIENT_SECRET: Type.String({
    default: '',
    description: 'Its secret, registered in the account service’s OAUTH_CLIENTS. npm start generates one.',
  }),
  UPSTREAM_TIMEOUT_MS: Type.Integer({
    default: 2000,
    minimum: 50,
    description: 'Deadline for a call to another service, retries included; past it the order fails fast with 503.',
  }),
  RECONCILE_INTERVAL: Type.Integer({
    default: 10,
    minimum: 1,
    description: 'Seconds between retries of reservation commits and releases that failed.',
  }),
});

export type OrderConfig = Static<typeof OrderConfigSchema>;

export function loadOrderConfig(env: NodeJS.ProcessEnv = process.env): OrderConfig {
  return loadConfig(OrderConfigSchema, { env, service: 'order' });
}
