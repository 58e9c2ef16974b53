import { accountUrlField, loadConfig, serviceConfigFields } from '@shop/platform';
import { type Static, Type } from 'typebox';

/**
 * Every setting of the cart service. Each key may also be given as CART_<KEY>, which
 * wins over <KEY> when several services share one environment. The cart's own settings
 * are named CART_* already, so they read the same either way.
 */
export const CartConfigSchema = Type.Object({
  ...serviceConfigFields(8007),
  ...accountUrlField,
  CURRENCY: Type.String({ default: 'EUR', pattern: '^[A-Z]{3}$', description: 'The shop’s one currency (ISO 4217).' }),
  PRODUCT_URL: Type.String({
    default: 'http://127.0.0.1:8001',
    description: 'Where the cart service reaches the product service for today’s names and prices.',
  }),
  REDIS_URL: Type.String({
    default: '',
    description:
      'Redis URL for carts (server mode; the cart service then needs no database). Empty: carts live in the cart schema of PostgreSQL or PGlite.',
  }),
  CART_REDIS_PREFIX: Type.String({
    default: 'cart:v1:',
    minLength: 1,
    description: 'Prefix of the cart service’s Redis keys (a cart is <prefix>{<user id>}), to share one Redis safely.',
  }),
  CART_PRICE_TTL: Type.Integer({
    default: 5,
    minimum: 0,
    description: 'Seconds a product’s name and price are cached by the cart service; 0: asked for on every read.',
  }),
  CART_IDLE_DAYS: Type.Integer({
    default: 30,
    minimum: 1,
    description: 'Days a cart is kept without being read or changed; then it is deleted.',
  }),
  CART_MAX_LINES: Type.Integer({
    default: 100,
    minimum: 1,
    maximum: 1000,
    description: 'Most distinct products one cart may hold; adding one more is refused (422).',
  }),
  UPSTREAM_TIMEOUT_MS: Type.Integer({
    default: 2000,
    minimum: 50,
    description:
      'Deadline for a call to another service (or, for the cart, to Redis), retries included; past it the request fails fast with 503.',
  }),
});

export type CartConfig = Static<typeof CartConfigSchema>;

export function loadCartConfig(env: NodeJS.ProcessEnv = process.env): CartConfig {
  return loadConfig(CartConfigSchema, { env, service: 'cart' });
}
