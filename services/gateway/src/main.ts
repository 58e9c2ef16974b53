import {
  createLogger,
  describeListenError,
  type Logger,
  listen,
  openRedis,
  runWhenMain,
  serveMetrics,
} from '@shop/platform';
import { buildGatewayApp } from './app.ts';
import { type GatewayConfig, loadGatewayConfig } from './config.ts';
import { resolveWebDir } from './web.ts';

export interface RunningGateway {
  config: GatewayConfig;
  url: string;
  /** Where Prometheus scrapes the gateway: its management port, not the public one. */
  metricsUrl: string;
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
    let metrics: Awaited<ReturnType<typeof serveMetrics>>;
    try {
      metrics = await serveMetrics(app.metrics, { host: config.HOST, port: config.METRICS_PORT });
    } catch (error) {
      await app.close();
      throw new Error(describeListenError(error, 'gateway metrics', config.METRICS_PORT, 'GATEWAY_METRICS_PORT'));
    }
    return {
      config,
      url,
      metricsUrl: metrics.url,
      close: async () => {
        await app.close();
        await metrics.close();
        await redis?.close();
      },
    };
  } catch (error) {
    await redis?.close();
    throw error;
  }
}

runWhenMain(import.meta.url, 'gateway', startGateway);
