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
import { buildOrderApp, MIGRATIONS_FOLDER, type OrderService } from './app.ts';
import { HttpCartGateway, NoCartGateway } from './clients/cart-client.ts';
import { HttpProductGateway } from './clients/product-client.ts';
import { loadOrderConfig, type OrderConfig } from './config.ts';

export interface RunningOrder extends OrderService {
  config: OrderConfig;
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the order service: its database, its client to the product service (with its
 * own client_credentials token), the cart client, the reconciler and the outbox relay.
 */
export async function startOrder(options: ServiceStartOptions = {}): Promise<RunningOrder> {
  const config = loadOrderConfig(options.env);
  const logger = options.logger ?? createLogger({ name: 'order', level: config.LOG_LEVEL });
  if (!config.ORDER_CLIENT_SECRET) {
    throw new Error('ORDER_CLIENT_SECRET is not set: the order service needs its client secret to reserve stock.');
  }
  const storage = await openServiceDatabase({
    service: 'order',
    migrationsFolder: MIGRATIONS_FOLDER,
    databaseUrl: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    dataDir: config.DATA_DIR,
    pglite: options.pglite,
  });
  const token = clientCredentialsToken({
    tokenUrl: new URL('/api/auth/token', config.ACCOUNT_URL).toString(),
    clientId: config.ORDER_CLIENT_ID,
    clientSecret: config.ORDER_CLIENT_SECRET,
    scope: 'inventory:reserve',
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
  });
  const productHttp = new ServiceClient({
    service: 'product',
    baseUrl: config.PRODUCT_URL,
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
    token,
  });
  const { bus, close: closeBus } = await serviceBus({ given: options.bus, amqpUrl: config.AMQP_URL, logger });
  const cartHttp = config.CART_URL
    ? new ServiceClient({ service: 'cart', baseUrl: config.CART_URL, timeoutMs: config.UPSTREAM_TIMEOUT_MS })
    : undefined;
  try {
    const tokens = accountTokenGuard(config, { bus: bus, logger });
    await tokens.revocations.start();
    const service = await buildOrderApp({
      config,
      database: storage.database,
      logger,
      verifier: tokens.verifier,
      products: new HttpProductGateway(productHttp),
      cart: cartHttp ? new HttpCartGateway(cartHttp) : new NoCartGateway(),
      bus,
    });
    const url = await listen(service.app, {
      host: config.HOST,
      port: config.PORT,
      service: 'order',
      requestTimeoutMs: config.REQUEST_TIMEOUT_MS,
    });
    service.reconciler.start();
    service.relay?.start();
    return {
      ...service,
      config,
      url,
      close: async () => {
        await service.app.close();
        await tokens.revocations.stop();
        await productHttp.close();
        await cartHttp?.close();
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

runWhenMain(import.meta.url, 'order', startOrder);
