/**
 * `npm run start:service -- <name>`: one service in its own process, for server mode
 * and containers. Configuration comes from the environment (see the README's table).
 */
import { closeOnSignals, createLogger } from '@shop/platform';

const starters = {
  account: async () => (await import('@shop/account/main')).startAccount,
  product: async () => (await import('@shop/product/main')).startProduct,
  cart: async () => (await import('@shop/cart/main')).startCart,
  order: async () => (await import('@shop/order/main')).startOrder,
  notification: async () => (await import('@shop/notification/main')).startNotification,
  gateway: async () => (await import('@shop/gateway/main')).startGateway,
} as const;

const name = process.argv[2] as keyof typeof starters | undefined;
if (!name || !(name in starters)) {
  console.error(`usage: npm run start:service -- <${Object.keys(starters).join('|')}>`);
  process.exit(2);
}

const logger = createLogger({ name, level: process.env.LOG_LEVEL ?? 'info' });
try {
  const start = await starters[name]();
  const running = await start({ logger });
  logger.info({ url: running.url }, `${name} service listening`);
  closeOnSignals(running.close, logger);
} catch (error) {
  logger.fatal((error as Error).message);
  process.exit(1);
}
