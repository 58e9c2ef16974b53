import { fileURLToPath } from 'node:url';
import {
  type Bus,
  createAuth,
  createHttpApp,
  type Database,
  type HttpApp,
  InFlightHandlers,
  type Logger,
  MeteredBus,
  OutboxRelay,
  registerOutboxMetrics,
  type TokenVerifier,
} from '@shop/platform';
import type { ProductConfig } from './config.ts';
import type { ProductContext } from './context.ts';
import { PgCategoryStore } from './db/category-store.ts';
import { PgInventoryStore } from './db/inventory-store.ts';
import { PgProductStore } from './db/product-store.ts';
import { outbox } from './db/schema.ts';
import type { BlobStore, Clock, OrderOutcomes } from './domain/ports.ts';
import { CONSUMED_TYPES, CONSUMER, orderConsumer } from './events/order-consumer.ts';
import { ReservationSweeper } from './jobs/reservation-sweeper.ts';
import { categoryRoutes } from './routes/categories.ts';
import { imageRoutes } from './routes/images.ts';
import { internalRoutes } from './routes/internal.ts';
import { productRoutes } from './routes/products.ts';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('./db/migrations', import.meta.url));

export interface ProductDeps {
  config: Pick<ProductConfig, 'CURRENCY' | 'RESERVATION_TTL' | 'RESERVATION_SWEEP_INTERVAL' | 'PUBLIC_URL'>;
  database: Database;
  logger: Logger;
  blobs: BlobStore;
  /** Checks access tokens: the account service's JWKS in production, a local key in tests. */
  verifier: TokenVerifier;
  /** The order service, asked what became of a reservation before its stock goes back. */
  orders: OrderOutcomes;
  clock?: Clock;
  /**
   * Where the outbox relay publishes `product.*` events and `order.placed` arrives; none:
   * events wait in the outbox, and reservations are committed by the expiry sweeper.
   */
  bus?: Bus;
}

export interface ProductService {
  app: HttpApp;
  context: ProductContext;
  sweeper: ReservationSweeper;
  relay: OutboxRelay | undefined;
  /** Subscribes to `order.placed`, starts the sweeper and the relay. Call once, after the app is up. */
  start(): Promise<void>;
}

const systemClock: Clock = { now: () => new Date() };

/** Builds the product service from its dependencies. No environment, no listening: tests call this. */
export async function buildProductApp(deps: ProductDeps): Promise<ProductService> {
  const { config, database, logger } = deps;
  const clock = deps.clock ?? systemClock;
  const products = new PgProductStore(database.db);
  const inventory = new PgInventoryStore(database.db);
  const context: ProductContext = {
    catalog: { categories: new PgCategoryStore(database.db), products },
    images: { products, blobs: deps.blobs },
    inventory: { inventory, clock, reservationTtlSeconds: config.RESERVATION_TTL },
    auth: createAuth(deps.verifier),
    currency: config.CURRENCY,
    logger,
  };
  const app = await createHttpApp({
    name: 'product',
    description: 'Catalog and inventory: categories, products, search, images, stock reservations.',
    logger,
    publicUrl: config.PUBLIC_URL,
    readiness: [{ name: 'database', check: database.ping }],
  });
  registerOutboxMetrics(app.metrics, database.db, outbox);
  const sweeper = new ReservationSweeper(
    { inventory, orders: deps.orders, clock },
    config.RESERVATION_SWEEP_INTERVAL,
    logger,
    app.metrics,
  );
  categoryRoutes(app, context);
  productRoutes(app, context);
  internalRoutes(app, context);
  await app.register(async (scope) => imageRoutes(scope as HttpApp, context));
  const relay = deps.bus
    ? new OutboxRelay({
        db: database.db,
        table: outbox,
        bus: deps.bus,
        leadership: database.leadership('outbox'),
        listen: database.listen,
        logger,
      })
    : undefined;
  // Its handlers' failures are counted as this service's retries and dead letters.
  const bus = deps.bus && new MeteredBus(deps.bus, app.metrics);
  const handlers = new InFlightHandlers('product');
  app.addHook('onClose', async () => {
    await sweeper.stop();
    await relay?.stop();
    await handlers.stop();
  });
  await app.ready();

  let started: Promise<void> | undefined;
  const start = () => {
    started ??= (async () => {
      if (bus) await bus.subscribe(CONSUMER, CONSUMED_TYPES, handlers.track(orderConsumer({ inventory, logger })));
      sweeper.start();
      relay?.start();
    })();
    return started;
  };
  return { app, context, sweeper, relay, start };
}
