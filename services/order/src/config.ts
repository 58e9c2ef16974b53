import { loadConfig } from '@shop/platform';
import { type Static, Type } from 'typebox';

/**
 * Every setting of the order service. Each key may also be given as ORDER_<KEY>, which
 * wins over <KEY> when several services share one environment.
 */
export const OrderConfigSchema = Type.Object({
  HOST: Type.String({ default: '127.0.0.1', description: 'Interface to listen on (0.0.0.0 in containers).' }),
  PORT: Type.Integer({
    default: 8005,
    minimum: 0,
    maximum: 65535,
    description:
      'Port the service listens on (with the service name in front, e.g. PRODUCT_PORT, in a shared environment).',
  }),
  PUBLIC_URL: Type.String({
    default: 'http://localhost:8003',
    description: 'Base URL clients use; the token issuer (iss) and the base of the OAuth metadata URLs.',
  }),
  DATABASE_URL: Type.String({
    default: '',
    description: 'PostgreSQL URL (server mode). Empty: the embedded PGlite database under DATA_DIR.',
  }),
  DATA_DIR: Type.String({ default: './data', description: 'Where embedded mode keeps its data.' }),
  LOG_LEVEL: Type.String({
    default: 'info',
    description: 'pino log level: fatal, error, warn, info, debug, trace, silent.',
  }),
  ACCOUNT_URL: Type.String({
    default: 'http://127.0.0.1:8003',
    description: 'Where services reach the account service (its JWKS verifies access tokens).',
  }),
  CURRENCY: Type.String({ default: 'EUR', pattern: '^[A-Z]{3}$', description: 'The shop’s one currency (ISO 4217).' }),
  PRODUCT_URL: Type.String({
    default: 'http://127.0.0.1:8001',
    description: 'Where the order service reaches the product service.',
  }),
  AMQP_URL: Type.String({
    default: '',
    description: 'RabbitMQ URL for events and jobs (server mode). Empty under npm start: the in-process bus.',
  }),
  CART_URL: Type.String({
    default: '',
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
