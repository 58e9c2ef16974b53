import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import {
  type Bus,
  createAuth,
  createHttpApp,
  type Database,
  type HttpApp,
  type Logger,
  OutboxRelay,
  registerOutboxMetrics,
  type TokenVerifier,
} from '@shop/platform';
import type { OrderConfig } from './config.ts';
import type { OrderContext } from './context.ts';
import { PgIdempotencyStore } from './db/idempotency-store.ts';
import { PgOrderStore } from './db/order-store.ts';
import { outbox } from './db/schema.ts';
import type { CartGateway, ProductGateway } from './domain/ports.ts';
import { ReservationReconciler } from './jobs/reservation-reconciler.ts';
import { adminOrderRoutes } from './routes/admin-orders.ts';
import { internalRoutes } from './routes/internal.ts';
import { orderRoutes } from './routes/orders.ts';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('./db/migrations', import.meta.url));

export interface OrderDeps {
  config: Pick<OrderConfig, 'CURRENCY' | 'PUBLIC_URL' | 'RECONCILE_INTERVAL'>;
  database: Database;
  logger: Logger;
  verifier: TokenVerifier;
  products: ProductGateway;
  cart: CartGateway;
  /** Where the outbox relay publishes `order.*` events; none: events wait in the outbox. */
  bus?: Bus;
  /** How long a duplicate request waits for the first; and how long an attempt holds its key. */
  timing?: { duplicateWaitMs?: number; keyLeaseMs?: number };
}

export interface OrderService {
  app: HttpApp;
  context: OrderContext;
  reconciler: ReservationReconciler;
  relay: OutboxRelay | undefined;
}

/** Builds the order service from its dependencies. No environment, no listening: tests call this. */
export async function buildOrderApp(deps: OrderDeps): Promise<OrderService> {
  const { config, database, logger } = deps;
  const orders = new PgOrderStore(database.db);
  const context: OrderContext = {
    placeOrder: {
      products: deps.products,
      cart: deps.cart,
      orders,
      keys: new PgIdempotencyStore(database.db),
      currency: config.CURRENCY,
      keyLeaseMs: deps.timing?.keyLeaseMs ?? 30_000,
      duplicateWaitMs: deps.timing?.duplicateWaitMs ?? 10_000,
      sleep: (ms) => sleep(ms),
      onUndoFailed: (details) =>
        logger.warn(
          { reservation_id: details.reservationId, err: details.error },
          'reservation call failed; left for the reconciler or expiry',
        ),
    },
    manage: { orders, products: deps.products },
    outcomes: { orders },
    auth: createAuth(deps.verifier),
    logger,
  };
  const reconciler = new ReservationReconciler(orders, deps.products, config.RECONCILE_INTERVAL, logger);
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

  const app = await createHttpApp({
    name: 'order',
    description: 'Orders: the checkout saga, order history, cancellation and status.',
    logger,
    publicUrl: config.PUBLIC_URL,
    readiness: [{ name: 'database', check: database.ping }],
  });
  registerOutboxMetrics(app.metrics, database.db, outbox);
  orderRoutes(app, context);
  adminOrderRoutes(app, context);
  internalRoutes(app, context);
  app.addHook('onClose', async () => {
    await reconciler.stop();
    await relay?.stop();
  });
  await app.ready();
  return { app, context, reconciler, relay };
}
