import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import type { HttpApp } from '@shop/platform';
import Fastify from 'fastify';

export interface SecurityOptions {
  /** Allowed browser origins; `*` allows any; empty: no CORS headers at all. */
  corsOrigins: string[];
  /** Strict-Transport-Security max-age; 0: not sent. */
  hstsMaxAge: number;
  /** The public base URL: Swagger UI's "Try it out" calls it. */
  publicUrl: string;
}

/**
 * Security headers on every response, proxied ones included: nosniff, no framing, no
 * referrer, and a CSP strict enough to forbid inline scripts yet loose enough for the
 * web app and Swagger UI (inline styles, data: images). HSTS and upgrade-insecure-requests
 * only when HSTS is configured: on plain http they would lock browsers out.
 */
export async function registerSecurityHeaders(app: HttpApp, options: SecurityOptions): Promise<void> {
  const headers = Object.entries(await securityHeaders(options));
  // Set as helmet sets them (on the raw response): a service's own header of the same name still wins.
  app.addHook('onRequest', (_request, reply, done) => {
    for (const [name, value] of headers) reply.raw.setHeader(name, value);
    done();
  });
}

/**
 * The headers helmet sets, worked out once: they depend on the options only, and
 * @fastify/helmet would build helmet's middleware again for every request.
 */
async function securityHeaders(options: SecurityOptions): Promise<Record<string, string>> {
  const https = options.hstsMaxAge > 0;
  const probe = Fastify({ logger: false });
  await probe.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        'default-src': ["'self'"],
        'connect-src': ["'self'", new URL(options.publicUrl).origin],
        'img-src': ["'self'", 'data:', 'blob:'],
        'frame-ancestors': ["'none'"],
        'upgrade-insecure-requests': https ? [] : null,
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: https ? { maxAge: options.hstsMaxAge, includeSubDomains: true } : false,
    // Browsers on an allowed other origin must be able to load product images.
    crossOriginResourcePolicy: { policy: options.corsOrigins.length > 0 ? 'cross-origin' : 'same-origin' },
  });
  // By the time a handler runs, helmet's hooks have set their headers on the response.
  probe.get('/', (_request, reply) => reply.send(reply.raw.getHeaders()));
  try {
    return (await probe.inject({ url: '/' })).json<Record<string, string>>();
  } finally {
    await probe.close();
  }
}

/** Headers a browser script may read from a response, and may send on a request. */
export const CORS_EXPOSED_HEADERS = ['x-request-id', 'retry-after', 'location', 'etag'];
export const CORS_ALLOWED_HEADERS = ['authorization', 'content-type', 'idempotency-key', 'x-request-id'];

/**
 * CORS for the configured origins, preflights answered by the gateway itself (204),
 * so a browser app on another origin can call the API. A denied origin gets no
 * Access-Control-Allow-Origin, which the browser enforces.
 */
export async function registerCors(app: HttpApp, origins: string[]): Promise<void> {
  if (origins.length === 0) return;
  await app.register(cors, {
    origin: origins.includes('*') ? '*' : origins,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    maxAge: 600,
    // An OPTIONS without Origin is answered 204 too, rather than a plain-text 400.
    strictPreflight: false,
  });
}
