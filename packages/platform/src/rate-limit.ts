import type { Redis } from 'ioredis';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';

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
  const settings = {
    keyPrefix: `ratelimit:${options.name}`,
    points: options.attempts,
    duration: options.windowSeconds,
  };
  const limiter: RateLimiterAbstract = options.redis
    ? new RateLimiterRedis({
        ...settings,
        storeClient: options.redis,
        useRedisPackage: false,
        // While Redis is unreachable, each replica counts in memory rather than failing logins.
        insuranceLimiter: new RateLimiterMemory(settings),
      })
    : new RateLimiterMemory(settings);
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
