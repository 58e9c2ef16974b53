import { createLogger, type Logger, listen, runWhenMain } from '@shop/platform';
import { Redis } from 'ioredis';
import { buildGatewayApp } from './app.ts';
import { type GatewayConfig, loadGatewayConfig } from './config.ts';
import { resolveWebDir } from './web.ts';

export interface RunningGateway {
  config: GatewayConfig;
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the gateway: Redis for shared rate limits when configured, the web app when
 * built, and the proxies to every service. close() stops accepting, lets proxied
 * requests in flight finish, then closes the upstream pools and Redis.
 */
export async function startGateway(
  options: { env?: NodeJS.ProcessEnv; logger?: Logger } = {},
): Promise<RunningGateway> {
  const config = loadGatewayConfig(options.env);
  const logger = options.logger ?? createLogger({ name: 'gateway', level: config.LOG_LEVEL });
  const redis = config.REDIS_URL ? connectRedis(config.REDIS_URL, logger) : undefined;
  const webDir = resolveWebDir(config.WEB_DIR);
  if (!webDir) logger.info('no built web app (WEB_DIR): GET / names the API and /docs');
  try {
    const { app } = await buildGatewayApp({ config, logger, redis, webDir });
    const url = await listen(app, { host: config.HOST, port: config.PORT, service: 'gateway' });
    return {
      config,
      url,
      close: async () => {
        await app.close();
        await redis?.quit().catch(() => redis.disconnect());
      },
    };
  } catch (error) {
    redis?.disconnect();
    throw error;
  }
}

/**
 * Redis for the rate limit: commands fail at once while it is down (the limiter then
 * counts in memory), and an outage is logged once, not on every reconnect attempt.
 */
function connectRedis(url: string, logger: Logger): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  let down = false;
  redis.on('error', (error) => {
    if (down) return;
    down = true;
    logger.warn({ err: error }, 'redis unreachable: rate limits counted in memory until it is back');
  });
  redis.on('ready', () => {
    if (down) logger.info('redis reachable again: rate limits shared');
    down = false;
  });
  return redis;
}

runWhenMain(import.meta.url, 'gateway', startGateway);
