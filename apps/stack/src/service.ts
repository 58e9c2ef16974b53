/**
 * `npm run start:service -- <name>`: one service in its own process, for server mode
 * and containers. Configuration comes from the environment (see the README's table).
 */
import { startTelemetry } from '@shop/platform/telemetry';

const starters = {
  account: async () => (await import('@shop/account/main')).startAccount,
  product: async () => (await import('@shop/product/main')).startProduct,
  cart: async () => (await import('@shop/cart/main')).startCart,
  order: async () => (await import('@shop/order/main')).startOrder,
  notification: async () => (await import('@shop/notification/main')).startNotification,
  analytics: async () => (await import('@shop/analytics/main')).startAnalytics,
  gateway: async () => (await import('@shop/gateway/main')).startGateway,
} as const;

// The first argument names the service, else SERVICE does (the container image's way).
const name = (process.argv[2] || process.env.SERVICE) as keyof typeof starters | undefined;
if (!name || !(name in starters)) {
  console.error(`usage: npm run start:service -- <${Object.keys(starters).join('|')}> (or SERVICE=<name>)`);
  process.exit(2);
}

// Tracing (when OTEL_EXPORTER_OTLP_ENDPOINT is set) starts before the platform and the
// service are imported, so that its instrumentations see Fastify, pg, ioredis and amqplib load.
const telemetry = await startTelemetry({ service: name });
const { closeOnSignals, createLogger } = await import('@shop/platform');
const logger = createLogger({ name, level: process.env.LOG_LEVEL ?? 'info' });
try {
  const start = await starters[name]();
  const running = await start({ logger });
  logger.info({ url: running.url }, `${name} service listening`);
  closeOnSignals(async () => {
    await running.close();
    // Last, so the spans of the shutdown itself are exported too.
    await telemetry.shutdown();
  }, logger);
} catch (error) {
  logger.fatal((error as Error).message);
  await telemetry.shutdown().catch(() => undefined);
  process.exit(1);
}
