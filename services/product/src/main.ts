import { join } from 'node:path';
import {
  accountTokenVerifier,
  createLogger,
  listen,
  openServiceDatabase,
  runWhenMain,
  type ServiceStartOptions,
  serviceBus,
} from '@shop/platform';
import { buildProductApp, MIGRATIONS_FOLDER, type ProductService } from './app.ts';
import { loadProductConfig, type ProductConfig } from './config.ts';
import { FsBlobStore } from './images/fs-blob-store.ts';
import { loadDemoCatalog } from './seed/load-demo.ts';

export interface RunningProduct extends ProductService {
  config: ProductConfig;
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the product service: its database (PostgreSQL or the shared PGlite), the image
 * folder, token checks against the account service's JWKS, the reservation sweeper,
 * and, on a first embedded start, the demo catalog.
 */
export async function startProduct(options: ServiceStartOptions = {}): Promise<RunningProduct> {
  const config = loadProductConfig(options.env);
  const logger = options.logger ?? createLogger({ name: 'product', level: config.LOG_LEVEL });
  const storage = await openServiceDatabase({
    service: 'product',
    migrationsFolder: MIGRATIONS_FOLDER,
    databaseUrl: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    pglite: options.pglite,
  });
  const { bus, close: closeBus } = await serviceBus({ given: options.bus, amqpUrl: config.AMQP_URL, logger });
  try {
    const blobs = new FsBlobStore(config.IMAGE_DIR || join(config.DATA_DIR, 'product', 'images'));
    const service = await buildProductApp({
      config,
      database: storage.database,
      logger,
      blobs,
      bus,
      verifier: accountTokenVerifier(config),
    });
    if (config.DEMO_CATALOG && config.DATABASE_URL === '') {
      await loadDemoCatalog({ ...service.context.catalog, blobs }, logger);
    }
    const url = await listen(service.app, { host: config.HOST, port: config.PORT, service: 'product' });
    service.sweeper.start();
    service.relay?.start();
    return {
      ...service,
      config,
      url,
      close: async () => {
        await service.app.close();
        await closeBus();
        await storage.close();
      },
    };
  } catch (error) {
    await closeBus();
    await storage.close();
    throw error;
  }
}

runWhenMain(import.meta.url, 'product', startProduct);
