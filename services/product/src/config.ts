import { accountUrlField, loadConfig, serviceConfigFields } from '@shop/platform';
import { type Static, Type } from 'typebox';

/**
 * Every setting of the product service. Each key may also be given as PRODUCT_<KEY>,
 * which wins over <KEY> when several services share one environment.
 */
export const ProductConfigSchema = Type.Object({
  ...serviceConfigFields(8001),
  ...accountUrlField,
  CURRENCY: Type.String({ default: 'EUR', pattern: '^[A-Z]{3}$', description: 'The shop’s one currency (ISO 4217).' }),
  IMAGE_DIR: Type.String({
    default: '',
    description: 'Folder for product images (a shared volume in server mode). Empty: DATA_DIR/product/images.',
  }),
  RESERVATION_TTL: Type.Integer({
    default: 900,
    minimum: 1,
    description:
      'Seconds a stock reservation holds before it is due: then committed if an order holds it, else expired and its stock returned.',
  }),
  RESERVATION_SWEEP_INTERVAL: Type.Integer({
    default: 15,
    minimum: 1,
    description: 'Seconds between sweeps that settle overdue reservations, as the order service answers for each.',
  }),
  ORDER_URL: Type.String({
    default: 'http://127.0.0.1:8005',
    description: 'Where the product service asks the order service what became of an overdue stock reservation.',
  }),
  PRODUCT_CLIENT_ID: Type.String({
    default: 'product',
    description: 'The product service’s OAuth client id (client_credentials).',
  }),
  PRODUCT_CLIENT_SECRET: Type.String({
    default: '',
    description:
      'Its secret, registered in the account service’s OAUTH_CLIENTS (order:reconcile). npm start generates one.',
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
