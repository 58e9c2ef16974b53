import {
  accountTokenGuard,
  createLogger,
  type Logger,
  listen,
  openRedis,
  openServiceDatabase,
  runWhenMain,
  ServiceClient,
  type ServiceStartOptions,
  serviceBus,
} from '@shop/platform';
import { buildCartApp, type CartService, type CartStorage, MIGRATIONS_FOLDER } from './app.ts';
import { HttpProductCatalog } from './clients/product-client.ts';
import { type CartConfig, loadCartConfig } from './config.ts';

export interface RunningCart extends CartService {
  config: CartConfig;
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the cart service: its store (Redis when REDIS_URL is set, and then no
 * database at all; else its schema in PostgreSQL or the shared PGlite), its client to
 * the product service, the HTTP API, the `order.placed` consumer and the idle sweep.
 */
export async function startCart(options: ServiceStartOptions = {}): Promise<RunningCart> {
  const config = loadCartConfig(options.env);
  const logger = options.logger ?? createLogger({ name: 'cart', level: config.LOG_LEVEL });
  const storage = await openStorage(config, options, logger);
  const productHttp = new ServiceClient({
    service: 'product',
    baseUrl: config.PRODUCT_URL,
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
  });
  const closeClients = async () => {
    await productHttp.close();
    await storage.close();
  };
  let closeBus = async () => {};
  try {
    const opened = await serviceBus({ given: options.bus, amqpUrl: config.AMQP_URL, logger });
    closeBus = opened.close;
    const tokens = accountTokenGuard(config, { bus: opened.bus, logger });
    await tokens.revocations.start();
    const service = await buildCartApp({
      config,
      storage: storage.storage,
      products: new HttpProductCatalog(productHttp, { ttlSeconds: config.CART_PRICE_TTL }),
      logger,
      verifier: tokens.verifier,
      bus: opened.bus,
    });
    const url = await listen(service.app, {
      host: config.HOST,
      port: config.PORT,
      service: 'cart',
      requestTimeoutMs: config.REQUEST_TIMEOUT_MS,
    });
    await service.start().catch(async (error: unknown) => {
      await service.app.close();
      throw error;
    });
    return {
      ...service,
      config,
      url,
      close: async () => {
        await service.app.close();
        await tokens.revocations.stop();
        await closeBus();
        await closeClients();
      },
    };
  } catch (error) {
    await closeBus();
    await closeClients();
    throw error;
  }
}

/** Redis when configured; otherwise the cart schema in PostgreSQL or PGlite, migrated. */
async function openStorage(
  config: CartConfig,
  options: ServiceStartOptions,
  logger: Logger,
): Promise<{ storage: CartStorage; close(): Promise<void> }> {
  if (config.REDIS_URL) {
    // Commands fail within the deadline while Redis is away (503), and the client reconnects by itself.
    const { redis, close } = openRedis(config.REDIS_URL, logger, { commandTimeoutMs: config.UPSTREAM_TIMEOUT_MS });
    return { storage: { redis, keyPrefix: config.CART_REDIS_PREFIX }, close };
  }
  const opened = await openServiceDatabase({
    service: 'cart',
    migrationsFolder: MIGRATIONS_FOLDER,
    databaseUrl: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    dataDir: config.DATA_DIR,
    pglite: options.pglite,
  });
  return { storage: { database: opened.database }, close: opened.close };
}

runWhenMain(import.meta.url, 'cart', startCart);
