import {
  createHttpApp,
  createRequestLimiter,
  type HttpApp,
  HttpProblem,
  type Logger,
  parseTrustedProxies,
  type RequestLimiter,
} from '@shop/platform';
import type { Redis } from 'ioredis';
import { createBatchedLimiter } from './batched-limiter.ts';
import type { GatewayConfig } from './config.ts';
import { corsOrigins } from './config.ts';
import { MergedDocs, registerMergedDocs } from './docs/docs-routes.ts';
import { isPlainPath } from './path-guard.ts';
import { registerProxy } from './proxy.ts';
import { registerRateLimit } from './rate-limit.ts';
import { registerCors, registerSecurityHeaders } from './security.ts';
import { Upstreams } from './upstreams.ts';
import { registerWebApp } from './web.ts';

export const GATEWAY_VERSION = '0.1.0';

export interface GatewayDeps {
  config: Pick<
    GatewayConfig,
    | 'PUBLIC_URL'
    | 'ACCOUNT_URL'
    | 'PRODUCT_URL'
    | 'CART_URL'
    | 'ORDER_URL'
    | 'NOTIFICATION_URL'
    | 'ANALYTICS_URL'
    | 'UPSTREAM_TIMEOUT_MS'
    | 'RATE_LIMIT_REQUESTS'
    | 'RATE_LIMIT_WINDOW'
    | 'TRUST_PROXY'
    | 'REQUEST_TIMEOUT_MS'
    | 'CORS_ORIGINS'
    | 'HSTS_MAX_AGE'
  >;
  logger: Logger;
  /** Shares the rate-limit counts between replicas; none: counted in this process's memory. */
  redis?: Redis;
  /** Key prefix of the rate-limit counts (tests give each run its own). Default 'gateway'. */
  rateLimitName?: string;
  /** The built web app's folder (see resolveWebDir); none: GET / names the API and its docs. */
  webDir?: string;
  /** How long the merged OpenAPI document is reused. Default 30 s. */
  docsTtlMs?: number;
}

export interface GatewayService {
  app: HttpApp;
  upstreams: Upstreams;
  docs: MergedDocs;
}

/**
 * Builds the gateway: security headers, CORS, the rate limit and the path guard first
 * (their hooks must cover every route registered after them), then the proxies, the
 * merged docs and the web app. No environment, no listening: tests call this.
 * Closing the app waits for requests in flight, then closes the upstream pools.
 */
export async function buildGatewayApp(deps: GatewayDeps): Promise<GatewayService> {
  const { config, logger } = deps;
  const upstreams = new Upstreams({
    urls: {
      account: config.ACCOUNT_URL,
      product: config.PRODUCT_URL,
      cart: config.CART_URL,
      order: config.ORDER_URL,
      notification: config.NOTIFICATION_URL,
      analytics: config.ANALYTICS_URL,
    },
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
  });
  const docs = new MergedDocs({
    fetchDocument: (service) => upstreams.fetchJson(service, '/openapi.json'),
    publicUrl: config.PUBLIC_URL,
    version: GATEWAY_VERSION,
    ttlMs: deps.docsTtlMs,
  });
  try {
    const app = await createHttpApp({
      name: 'gateway',
      version: GATEWAY_VERSION,
      description: 'One origin for clients: routes the public API to the services.',
      logger,
      publicUrl: config.PUBLIC_URL,
      trustProxy: parseTrustedProxies(config.TRUST_PROXY),
      requestTimeoutMs: config.REQUEST_TIMEOUT_MS,
      // The gateway's port is public: its metrics go to a management port (main.ts).
      metricsRoute: false,
      readiness: upstreams.readiness(),
      docs: false,
    });
    app.addHook('onClose', () => upstreams.close());

    const origins = corsOrigins(config.CORS_ORIGINS);
    await registerSecurityHeaders(app, {
      corsOrigins: origins,
      hstsMaxAge: config.HSTS_MAX_AGE,
      publicUrl: config.PUBLIC_URL,
    });
    await registerCors(app, origins);
    refusePathTricks(app);
    if (config.RATE_LIMIT_REQUESTS > 0) {
      registerRateLimit(app, {
        limiter: rateLimiter(app, deps),
        requests: config.RATE_LIMIT_REQUESTS,
        windowSeconds: config.RATE_LIMIT_WINDOW,
      });
    }

    await registerProxy(app, { upstreams, timeoutMs: config.UPSTREAM_TIMEOUT_MS });
    await registerMergedDocs(app, docs);
    await registerWebApp(app, deps.webDir);
    await app.ready();
    return { app, upstreams, docs };
  } catch (error) {
    await upstreams.close();
    throw error;
  }
}

/**
 * The per-IP counts: in Redis, shared by the replicas and synced in batches rather than
 * once per request (batched-limiter.ts); in this process's memory without Redis.
 */
function rateLimiter(app: HttpApp, { config, redis, rateLimitName = 'gateway' }: GatewayDeps): RequestLimiter {
  const settings = {
    name: rateLimitName,
    requests: config.RATE_LIMIT_REQUESTS,
    windowSeconds: config.RATE_LIMIT_WINDOW,
  };
  if (!redis) return createRequestLimiter(settings);
  const limiter = createBatchedLimiter({ ...settings, redis });
  // After the requests in flight, before main.ts closes Redis.
  app.addHook('onClose', () => limiter.close());
  return limiter;
}

/** A path that is not plain (see path-guard.ts) is answered like any unknown path, before any routing effect. */
function refusePathTricks(app: HttpApp): void {
  app.addHook('onRequest', async (request) => {
    const path = request.url.split('?', 1)[0] ?? '';
    if (!isPlainPath(path))
      throw new HttpProblem(404, `No route for ${request.method} ${path}.`, { code: 'not_found' });
  });
}
