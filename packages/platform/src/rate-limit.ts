import type { Redis } from 'ioredis';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

/**
 * Counts failed attempts per key in a sliding window (login failures per account or
 * per IP). Successful attempts are never counted. Memory in embedded mode, Redis in
 * server mode so every replica sees the same counts.
 */
export interface AttemptLimiter {
  /** Seconds until `key` may try again, or null when it may try now. */
  retryAfter(key: string): Promise<number | null>;
  /** Counts one failed attempt for `key`. */
  fail(key: string): Promise<void>;
  /** Forgets `key`'s failures. */
  reset(key: string): Promise<void>;
}

export interface AttemptLimiterOptions {
  /** Prefix that keeps this limiter's keys apart from others'. */
  name: string;
  /** Failed attempts allowed within the window. */
  attempts: number;
  windowSeconds: number;
  /** Server mode: share counts through Redis. */
  redis?: Redis;
}

export function createAttemptLimiter(options: AttemptLimiterOptions): AttemptLimiter {
  const limiter = windowLimiter(options.name, options.attempts, options.windowSeconds, options.redis);
  return {
    async retryAfter(key) {
      const state = await limiter.get(key);
      if (!state || state.consumedPoints < options.attempts) return null;
      return Math.max(1, Math.ceil(state.msBeforeNext / 1000));
    },
    async fail(key) {
      await limiter.penalty(key, 1);
    },
    async reset(key) {
      await limiter.delete(key);
    },
  };
}

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
  const limiter = windowLimiter(options.name, options.requests, options.windowSeconds, options.redis);
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

/**
 * `points` per key in a fixed window of `windowSeconds`: in memory, or in Redis shared by
 * every replica. While Redis is unreachable, each replica counts in memory rather than
 * refusing everyone or waving everyone through.
 */
function windowLimiter(
  name: string,
  points: number,
  windowSeconds: number,
  redis: Redis | undefined,
): RateLimiterAbstract {
  const settings = { keyPrefix: `ratelimit:${name}`, points, duration: windowSeconds };
  if (!redis) return new RateLimiterMemory(settings);
  return new RateLimiterRedis({
    ...settings,
    storeClient: redis,
    useRedisPackage: false,
    insuranceLimiter: new RateLimiterMemory(settings),
  });
}
