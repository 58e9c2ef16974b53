import { Redis } from 'ioredis';
import type { Logger } from './logger.ts';

export interface RedisConnection {
  redis: Redis;
  /** Quits cleanly when connected, else drops the connection attempt. */
  close(): Promise<void>;
}

export interface RedisOptions {
  /**
   * Commands fail at once while Redis is away instead of waiting for it (a rate limiter
   * then counts in memory). Otherwise they wait, up to `commandTimeoutMs`.
   */
  failFast?: boolean;
  /** Longest a command may take, connection included. */
  commandTimeoutMs?: number;
}

/**
 * A Redis client that reconnects by itself. An outage is logged once when it starts and
 * once when it ends, not on every reconnect attempt.
 */
export function openRedis(url: string, logger: Logger, options: RedisOptions = {}): RedisConnection {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: !options.failFast,
    commandTimeout: options.commandTimeoutMs,
  });
  let down = false;
  redis.on('error', (error) => {
    if (down) return;
    down = true;
    logger.warn({ err: error }, 'redis unreachable; retrying');
  });
  redis.on('ready', () => {
    if (down) logger.info('redis reachable again');
    down = false;
  });
  return {
    redis,
    close: async () => {
      if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect();
    },
  };
}
