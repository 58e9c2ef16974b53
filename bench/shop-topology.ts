/**
 * The shop in server mode as the benchmarks start it: the seven services, the admin they
 * seed with, and the environment that points each at the others (as the server-mode
 * end-to-end topology sets it).
 */
import { randomBytes } from 'node:crypto';
import { mapLimit, post, range } from './lib.ts';

export const SERVICES = ['account', 'product', 'cart', 'order', 'notification', 'analytics', 'gateway'] as const;
export type Service = (typeof SERVICES)[number];

export const ADMIN = { email: 'admin@example.com', password: 'bench-admin-password' };

/**
 * Every service's environment on `ports` (one per service in SERVICES order, then the
 * gateway's metrics port), with fresh client secrets and signing-key encryption key.
 */
export function shopEnvironment(options: {
  databaseUrl: string;
  amqpUrl: string;
  redisUrl: string;
  ports: readonly number[];
}): { env: Record<string, string>; urls: Record<Service, string> } {
  const orderSecret = randomBytes(24).toString('base64url');
  const productSecret = randomBytes(24).toString('base64url');
  const env: Record<string, string> = {
    DATABASE_URL: options.databaseUrl,
    AMQP_URL: options.amqpUrl,
    REDIS_URL: options.redisUrl,
    // Carts and login limits of this run only: the Redis server is shared with other runs.
    CART_REDIS_PREFIX: `bench-${randomBytes(4).toString('hex')}:`,
    ACCOUNT_LIMITS_REDIS_PREFIX: `bench-${randomBytes(4).toString('hex')}:`,
    // Every customer registers from this one address.
    REGISTRATION_MAX_PER_IP: '100000',
    RATE_LIMIT_REQUESTS: '1000000000',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    DEMO_CATALOG: 'false',
    SMTP_URL: '',
    LOG_LEVEL: 'warn',
    ORDER_CLIENT_SECRET: orderSecret,
    PRODUCT_CLIENT_SECRET: productSecret,
    OAUTH_CLIENTS: `order:${orderSecret}:inventory:reserve,product:${productSecret}:order:reconcile`,
    ACCOUNT_TRUST_PROXY: 'loopback',
    SIGNING_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  };
  const urls = {} as Record<Service, string>;
  for (const [index, service] of SERVICES.entries()) {
    const port = options.ports[index];
    if (port === undefined) throw new Error(`no port for the ${service} service`);
    urls[service] = `http://127.0.0.1:${port}`;
    env[`${service.toUpperCase()}_PORT`] = String(port);
    env[`${service.toUpperCase()}_URL`] = urls[service];
  }
  const metricsPort = options.ports[SERVICES.length];
  if (metricsPort === undefined) throw new Error('no port for the gateway’s metrics');
  env.PUBLIC_URL = urls.gateway;
  env.GATEWAY_METRICS_PORT = String(metricsPort);
  return { env, urls };
}

/** An access token for `email` through the gateway (the password grant). */
export async function login(gateway: string, email: string, password: string): Promise<string> {
  const body = new URLSearchParams({ grant_type: 'password', username: email, password }).toString();
  const tokens = (await post(`${gateway}/api/auth/token`, body, 'application/x-www-form-urlencoded')) as {
    access_token: string;
  };
  return tokens.access_token;
}

/** `count` products with `stock` each in a new category `bench`, as the admin through the gateway; their ids. */
export async function seedProducts(gateway: string, bench: string, count: number, stock: number): Promise<number[]> {
  const auth = { authorization: `Bearer ${await login(gateway, ADMIN.email, ADMIN.password)}` };
  const category = (await post(
    `${gateway}/api/categories`,
    JSON.stringify({ name: `${bench} bench` }),
    'application/json',
    auth,
  )) as { id: number };
  return mapLimit(range(count), 8, async (i) => {
    const product = (await post(
      `${gateway}/api/products`,
      JSON.stringify({
        name: `Bench item ${i + 1}`,
        description: `A product of the ${bench.toLowerCase()} benchmark`,
        price_cents: 100 + i,
        stock,
        category_id: category.id,
      }),
      'application/json',
      auth,
    )) as { id: number };
    return product.id;
  });
}
