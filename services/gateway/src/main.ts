import { createLogger, type Logger, listen, openRedis, runWhenMain } from '@shop/platform';
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
  // Rate limits fail over to memory at once while Redis is away.
  const redis = config.REDIS_URL ? openRedis(config.REDIS_URL, logger, { failFast: true }) : undefined;
  const webDir = resolveWebDir(config.WEB_DIR);
  if (!webDir) logger.info('no built web app (WEB_DIR): GET / names the API and /docs');
  try {
    const { app } = await buildGatewayApp({ config, logger, redis: redis?.redis, webDir });
    const url = await listen(app, { host: config.HOST, port: config.PORT, service: 'gateway' });
    return {
      config,
      url,
      close: async () => {
        await app.close();
        await redis?.close();
      },
    };
  } catch (error) {
    await redis?.close();
    throw error;
  }
}

runWhenMain(import.meta.url, 'gateway', startGateway);
