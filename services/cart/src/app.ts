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
  type ReadinessCheck,
  type TokenVerifier,
} from '@shop/platform';
import type { Redis } from 'ioredis';
import type { CartConfig } from './config.ts';
import type { CartContext } from './context.ts';
import { PgCartStore } from './db/pg-cart-store.ts';
import { RedisCartStore } from './db/redis-cart-store.ts';
import type { CartStore, Clock, ProductCatalog } from './domain/ports.ts';
import { CONSUMED_TYPES, CONSUMER, orderConsumer } from './events/order-consumer.ts';
import { IdleCartSweeper } from './jobs/idle-cart-sweeper.ts';
import { cartRoutes } from './routes/cart.ts';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('./db/migrations', import.meta.url));

/** Where carts live: Redis (server mode), or the cart schema of PostgreSQL or PGlite. */
export type CartStorage = { redis: Redis; keyPrefix: string } | { database: Database };

export interface CartDeps {
  config: Pick<CartConfig, 'CURRENCY' | 'PUBLIC_URL' | 'CART_MAX_LINES' | 'CART_IDLE_DAYS'>;
  storage: CartStorage;
  /** The product service's catalog: today's names and prices. */
  products: ProductCatalog;
  logger: Logger;
  verifier: TokenVerifier;
  /** Where `order.placed` arrives; none: orders placed from the cart do not empty it. */
  bus?: Bus;
  /** The database store's clock for idle times (Redis keeps its own). */
  clock?: Clock;
  /** Seconds between sweeps of idle database carts. Default 3600. */
  sweepIntervalSeconds?: number;
}

export interface CartService {
  app: HttpApp;
  context: CartContext;
  /** Deletes idle carts from the database; none with Redis, whose keys expire by themselves. */
  sweeper: IdleCartSweeper | undefined;
  /** Subscribes to `order.placed` and starts the idle sweep. Call once, after the app is up. */
  start(): Promise<void>;
}

const systemClock: Clock = { now: () => new Date() };

/** Builds the cart service from its dependencies. No environment, no listening: tests call this. */
export async function buildCartApp(deps: CartDeps): Promise<CartService> {
  const { config, logger } = deps;
  const clock = deps.clock ?? systemClock;
  const { carts, sweeper, readiness } = openStore(deps, clock);
  const context: CartContext = {
    cart: { carts, products: deps.products, currency: config.CURRENCY, maxLines: config.CART_MAX_LINES },
    auth: createAuth(deps.verifier),
    logger,
  };

  const app = await createHttpApp({
    name: 'cart',
    description: 'Carts: each customer’s lines, priced from the product service at read time.',
    logger,
    publicUrl: config.PUBLIC_URL,
    readiness: [readiness],
  });
  cartRoutes(app, context);

  // Its handlers' failures are counted as this service's retries and dead letters.
  const bus = deps.bus && new MeteredBus(deps.bus, app.metrics);
  const handlers = new InFlightHandlers('cart');
  app.addHook('onClose', async () => {
    await sweeper?.stop();
    await handlers.stop();
  });
  await app.ready();

  let started: Promise<void> | undefined;
  const start = () => {
    started ??= (async () => {
      if (bus) await bus.subscribe(CONSUMER, CONSUMED_TYPES, handlers.track(orderConsumer({ carts, logger })));
      else logger.warn('no bus: orders placed from the cart will not take their items off it');
      sweeper?.start();
    })();
    return started;
  };
  return { app, context, sweeper, start };
}

function openStore(
  deps: CartDeps,
  clock: Clock,
): { carts: CartStore; sweeper: IdleCartSweeper | undefined; readiness: ReadinessCheck } {
  const { storage, config } = deps;
  if ('redis' in storage) {
    const redis = storage.redis;
    return {
      carts: new RedisCartStore(redis, { idleDays: config.CART_IDLE_DAYS, prefix: storage.keyPrefix }),
      sweeper: undefined,
      readiness: { name: 'redis', check: async () => void (await redis.ping()) },
    };
  }
  const carts = new PgCartStore(storage.database.db, clock);
  return {
    carts,
    sweeper: new IdleCartSweeper(carts, clock, config.CART_IDLE_DAYS, deps.sweepIntervalSeconds ?? 3600, deps.logger),
    readiness: { name: 'database', check: storage.database.ping },
  };
}
