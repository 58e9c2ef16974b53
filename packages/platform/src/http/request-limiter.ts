import type { Redis } from 'ioredis';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

/** The answer for one request: may it pass, and what the client should be told. */
export interface RequestAllowance {
  allowed: boolean;
  /** Requests allowed per window. */
  limit: number;
  /** Requests left in the current window (0 once refused). */
  remaining: number;
  /** Whole seconds until the window resets (at least 1): Retry-After when refused. */
  resetSeconds: number;
}

/**
 * Counts every request per key (a client IP) in a fixed window and refuses those over
 * the limit. Unlike the AttemptLimiter (failures only), each call counts.
 */
export interface RequestLimiter {
  consume(key: string): Promise<RequestAllowance>;
}

export interface RequestLimiterOptions {
  /** Prefix that keeps this limiter's keys apart from others'. */
  name: string;
  /** Requests allowed per key within the window. */
  requests: number;
  windowSeconds: number;
  /** Server mode: share counts through Redis, so every replica enforces one limit. */
  redis?: Redis;
}

export function createRequestLimiter(options: RequestLimiterOptions): RequestLimiter {
  const settings = {
    keyPrefix: `ratelimit:${options.name}`,
    points: options.requests,
    duration: options.windowSeconds,
  };
  const limiter: RateLimiterAbstract = options.redis
    ? new RateLimiterRedis({
        ...settings,
        storeClient: options.redis,
        useRedisPackage: false,
        // While Redis is unreachable, each replica counts in memory rather than refusing or waving everyone through.
        insuranceLimiter: new RateLimiterMemory(settings),
      })
    : new RateLimiterMemory(settings);
  const allowance = (state: RateLimiterRes, allowed: boolean): RequestAllowance => ({
    allowed,
    limit: options.requests,
    remaining: allowed ? Math.max(0, state.remainingPoints) : 0,
    resetSeconds: Math.max(1, Math.ceil(state.msBeforeNext / 1000)),
  });
  return {
    async consume(key) {
      try {
        return allowance(await limiter.consume(key), true);
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) return allowance(rejection, false);
        throw rejection;
      }
    },
  };
}
