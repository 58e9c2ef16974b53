import { type HttpApp, HttpProblem, type RequestLimiter } from '@shop/platform';

export interface RateLimitOptions {
  limiter: RequestLimiter;
  requests: number;
  windowSeconds: number;
}

/** Probes come from the platform, often from one address, and must never be refused. */
function isExempt(path: string): boolean {
  return path.startsWith('/health/');
}

/**
 * The general per-IP limit: every request counts (health probes aside); over the
 * limit the client gets 429 problem+json with Retry-After. Every counted response carries
 * RateLimit-Limit, -Remaining, -Reset and -Policy (IETF draft httpapi-ratelimit-headers).
 * If the counter itself fails, the request passes: the limit protects the services, it is
 * not worth an outage.
 */
export function registerRateLimit(app: HttpApp, options: RateLimitOptions): void {
  const policy = `${options.requests};w=${options.windowSeconds}`;
  app.addHook('onRequest', async (request, reply) => {
    if (isExempt(request.url.split('?', 1)[0] ?? '')) return;
    let allowance: Awaited<ReturnType<RequestLimiter['consume']>>;
    try {
      allowance = await options.limiter.consume(request.ip);
    } catch (error) {
      request.log.warn({ err: error }, 'rate limiter failed; request let through');
      return;
    }
    reply.header('ratelimit-policy', policy);
    reply.header('ratelimit-limit', String(allowance.limit));
    reply.header('ratelimit-remaining', String(allowance.remaining));
    reply.header('ratelimit-reset', String(allowance.resetSeconds));
    if (!allowance.allowed) {
      throw new HttpProblem(
        429,
        `Too many requests from this address: at most ${options.requests} per ${options.windowSeconds} s. Try again in ${allowance.resetSeconds} s.`,
        { code: 'rate_limited', headers: { 'retry-after': String(allowance.resetSeconds) } },
      );
    }
  });
}
