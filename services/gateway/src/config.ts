import { loadConfig, parseTrustedProxies, serviceConfigFields, trustProxyField } from '@shop/platform';
import { type Static, Type } from 'typebox';

// The gateway keeps no data and publishes no events: of the shared fields it needs only these.
const { HOST, PORT, LOG_LEVEL, REQUEST_TIMEOUT_MS, OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_SERVICE_NAME } =
  serviceConfigFields(8080);

const upstreamUrl = (service: string, port: number) =>
  Type.String({
    default: `http://127.0.0.1:${port}`,
    // An origin only: the gateway forwards the client's path as it is.
    pattern: '^https?://[^/?#]+/?$',
    description: `Where the gateway reaches the ${service} service.`,
  });

/**
 * Every setting of the gateway. Each key may also be given as GATEWAY_<KEY>, which wins
 * over <KEY> when several services share one environment.
 */
export const GatewayConfigSchema = Type.Object({
  HOST,
  PORT,
  PUBLIC_URL: Type.String({
    default: 'http://localhost:8080',
    pattern: '^https?://',
    description: 'Base URL clients use to reach the gateway: the server of the merged OpenAPI document.',
  }),
  LOG_LEVEL,
  REQUEST_TIMEOUT_MS,
  OTEL_EXPORTER_OTLP_ENDPOINT,
  OTEL_SERVICE_NAME,
  METRICS_PORT: Type.Integer({
    default: 9080,
    minimum: 0,
    maximum: 65535,
    description:
      'Management port serving GET /metrics for Prometheus, on HOST: never the public port (0: any free port).',
  }),
  ACCOUNT_URL: upstreamUrl('account', 8003),
  PRODUCT_URL: upstreamUrl('product', 8001),
  CART_URL: upstreamUrl('cart', 8007),
  ORDER_URL: upstreamUrl('order', 8005),
  NOTIFICATION_URL: upstreamUrl('notification', 8009),
  ANALYTICS_URL: upstreamUrl('analytics', 8011),
  UPSTREAM_TIMEOUT_MS: Type.Integer({
    default: 30_000,
    minimum: 100,
    description:
      'How long the gateway waits for a service’s response headers (and for each pause in its body); past it the client gets 504.',
  }),
  REDIS_URL: Type.String({
    default: '',
    description:
      'Redis URL: the per-IP rate limit is shared by every gateway replica (in-memory fallback while Redis is down). Empty: in-memory counters.',
  }),
  RATE_LIMIT_REQUESTS: Type.Integer({
    default: 1000,
    minimum: 0,
    description: 'Requests one client IP may make per window before 429; 0 turns the limit off.',
  }),
  RATE_LIMIT_WINDOW: Type.Integer({
    default: 10,
    minimum: 1,
    description: 'Length of the rate-limit window in seconds.',
  }),
  ...trustProxyField,
  CORS_ORIGINS: Type.String({
    default: '',
    description:
      'Comma-separated origins allowed to call the API from a browser (e.g. https://shop.example), or *. Empty: no CORS headers.',
  }),
  HSTS_MAX_AGE: Type.Integer({
    default: 0,
    minimum: 0,
    description: 'Strict-Transport-Security max-age in seconds; 0: not sent. Set it only when clients use https.',
  }),
  WEB_DIR: Type.String({
    default: '',
    description:
      'Folder of the built web app, served at / with SPA fallback. Empty: apps/web/dist of this repository, if it has an index.html.',
  }),
});

export type GatewayConfig = Static<typeof GatewayConfigSchema>;

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const config = loadConfig(GatewayConfigSchema, { env, service: 'gateway' });
  parseTrustedProxies(config.TRUST_PROXY); // fails fast on an unsafe value
  return config;
}

/** The CORS_ORIGINS list: trimmed, empty entries dropped. */
export function corsOrigins(value: string): string[] {
  return value
    .split(',')
    .map((origin) => origin.trim().replace(/\/+$/, ''))
    .filter(Boolean);
}
