import { join } from 'node:path';
import {
  accountTokenGuard,
  clientCredentialsToken,
  createLogger,
  listen,
  openServiceDatabase,
  runWhenMain,
  ServiceClient,
  type ServiceStartOptions,
  serviceBus,
} from '@shop/platform';
import { buildProductApp, MIGRATIONS_FOLDER, type ProductService } from './app.ts';
import { HttpOrderOutcomes } from './clients/order-outcomes.ts';
import { loadProductConfig, type ProductConfig } from './config.ts';
import { FsBlobStore } from './images/fs-blob-store.ts';
import { loadDemoCatalog } from './seed/load-demo.ts';

export interface RunningProduct extends ProductService {
  config: ProductConfig;
  url: string;
  close(): Promise<void>;
}

/** The sweeper's question to the order service; unanswered, the reservations wait a sweep. */
const ORDER_CALL_TIMEOUT_MS = 5_000;

/**
 * Starts the product service: its database (PostgreSQL or the shared PGlite), the image
 * folder, token checks against the account service's JWKS, its client to the order
 * service (with its own client_credentials token), the reservation sweeper, and, on a
 * first embedded start, the demo catalog.
 */
export async function startProduct(options: ServiceStartOptions = {}): Promise<RunningProduct> {
  const config = loadProductConfig(options.env);
  const logger = options.logger ?? createLogger({ name: 'product', level: config.LOG_LEVEL });
  if (!config.PRODUCT_CLIENT_SECRET) {
    throw new Error(
      'PRODUCT_CLIENT_SECRET is not set: the product service needs its client secret to ask the order service about overdue reservations.',
    );
  }
  const storage = await openServiceDatabase({
    service: 'product',
    migrationsFolder: MIGRATIONS_FOLDER,
    databaseUrl: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    dataDir: config.DATA_DIR,
    pglite: options.pglite,
  });
  const orderHttp = new ServiceClient({
    service: 'order',
    baseUrl: config.ORDER_URL,
    timeoutMs: ORDER_CALL_TIMEOUT_MS,
    token: clientCredentialsToken({
      tokenUrl: new URL('/api/auth/token', config.ACCOUNT_URL).toString(),
      clientId: config.PRODUCT_CLIENT_ID,
      clientSecret: config.PRODUCT_CLIENT_SECRET,
      scope: 'order:reconcile',
      timeoutMs: ORDER_CALL_TIMEOUT_MS,
    }),
  });
  const { bus, close: closeBus } = await serviceBus({ given: options.bus, amqpUrl: config.AMQP_URL, logger });
  try {
    const blobs = new FsBlobStore(config.IMAGE_DIR || join(config.DATA_DIR, 'product', 'images'));
    const tokens = accountTokenGuard(config, { bus: bus, logger });
    await tokens.revocations.start();
    const service = await buildProductApp({
      config,
      database: storage.database,
      logger,
      blobs,
      bus,
      verifier: tokens.verifier,
      orders: new HttpOrderOutcomes(orderHttp),
    });
    if (config.DEMO_CATALOG && config.DATABASE_URL === '') {
      await loadDemoCatalog({ ...service.context.catalog, blobs }, logger);
    }
    const url = await listen(service.app, {
      host: config.HOST,
      port: config.PORT,
      service: 'product',
      requestTimeoutMs: config.REQUEST_TIMEOUT_MS,
    });
    await service.start();
    return {
      ...service,
      config,
      url,
      close: async () => {
        await service.app.close();
        await tokens.revocations.stop();
        await orderHttp.close();
        await closeBus();
        await storage.close();
      },
    };
  } catch (error) {
    await orderHttp.close();
    await closeBus();
    await storage.close();
    throw error;
  }
}

runWhenMain(import.meta.url, 'product', startProduct);
