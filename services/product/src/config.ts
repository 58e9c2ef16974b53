import { loadConfig } from '@shop/platform';
import { type Static, Type } from 'typebox';

/**
 * Every setting of the product service. Each key may also be given as PRODUCT_<KEY>,
 * which wins over <KEY> when several services share one environment.
 */
export const ProductConfigSchema = Type.Object({
  HOST: Type.String({ default: '127.0.0.1', description: 'Interface to listen on (0.0.0.0 in containers).' }),
  PORT: Type.Integer({
    default: 8001,
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
  AMQP_URL: Type.String({
    default: '',
    description: 'RabbitMQ URL for events and jobs (server mode). Empty under npm start: the in-process bus.',
  }),
  LOG_LEVEL: Type.String({
    default: 'info',
    description: 'pino log level: fatal, error, warn, info, debug, trace, silent.',
  }),
  ACCOUNT_URL: Type.String({
    default: 'http://127.0.0.1:8003',
    description: 'Where services reach the account service (its JWKS verifies access tokens).',
  }),
  CURRENCY: Type.String({ default: 'EUR', pattern: '^[A-Z]{3}$', description: 'The shop’s one currency (ISO 4217).' }),
  IMAGE_DIR: Type.String({
    default: '',
    description: 'Folder for product images (a shared volume in server mode). Empty: DATA_DIR/product/images.',
  }),
  RESERVATION_TTL: Type.Integer({
    default: 900,
    minimum: 1,
    description: 'Seconds a stock reservation holds before it expires and its stock returns.',
  }),
  RESERVATION_SWEEP_INTERVAL: Type.Integer({
    default: 15,
    minimum: 1,
    description: 'Seconds between sweeps that expire overdue reservations.',
  }),
  DEMO_CATALOG: Type.Boolean({
    default: true,
    description: 'Load the demo catalog on first start in embedded mode when the catalog is empty.',
  }),
});

export type ProductConfig = Static<typeof ProductConfigSchema>;

export function loadProductConfig(env: NodeJS.ProcessEnv = process.env): ProductConfig {
  return loadConfig(ProductConfigSchema, { env, service: 'product' });
}
