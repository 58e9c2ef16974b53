/**
 * `npm start`: the whole shop in one process on embedded defaults.
 *
 *   gateway   :8080   the one origin clients use: routes /api/* and /.well-known/* below,
 *                     rate limits, CORS, merged /docs, the web app
 *   account   :8003   users, OAuth 2.0 tokens, JWKS                    schema "account"
 *   product   :8001   catalog, search, images, stock reservations      schema "product"
 *   cart      :8007   carts, priced from product at read time          schema "cart" (Redis in server mode)
 *   order     :8005   checkout saga, order history                     schema "order"
 *                     → product: reserve/commit/release (client_credentials token)
 *                     → cart: the caller's cart for from_cart orders (the caller's token)
 *   notification :8009  e-mails for account.* and order.* events       schema "notification"
 *                     ← bus: events from every service's outbox relay (cart empties on order.placed)
 *   analytics :8011   every event into an append-only log, rolled up   schema "analytics"
 *                     into sales and product figures for the admin
 *                     ← bus: every event type (durable consumer "analytics")
 *
 * Every service verifies access tokens with the account service's JWKS.
 *
 * Every service keeps its own schema in one shared PGlite database under ./data
 * (embedded mode), or in PostgreSQL when DATABASE_URL is set (server mode).
 */

import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Bus, SharedPglite } from '@shop/platform';
import { startTelemetry } from '@shop/platform/telemetry';
import { ensureWebBuild, webBuildIsCurrent } from './web-build.ts';

// Tracing (when OTEL_EXPORTER_OTLP_ENDPOINT is set) starts before the platform and the
// services are imported, so that its instrumentations see Fastify, pg, ioredis and amqplib load.
const telemetry = await startTelemetry({ service: 'shop' });
const {
  assertPortFree,
  closeOnSignals,
  createLogger,
  InProcessBus,
  MESSAGE_STORE_MIGRATIONS,
  openPglite,
  openSharedPglite,
  PgMessageStore,
  RabbitMqBus,
} = await import('@shop/platform');
const { startAccount } = await import('@shop/account/main');
const { startProduct } = await import('@shop/product/main');
const { startCart } = await import('@shop/cart/main');
const { startOrder } = await import('@shop/order/main');
const { startNotification } = await import('@shop/notification/main');
const { startAnalytics } = await import('@shop/analytics/main');
const { startGateway } = await import('@shop/gateway/main');

const logger = createLogger({ name: 'stack', level: process.env.LOG_LEVEL ?? 'warn' });
const env = { ...process.env };
const embedded = !env.DATABASE_URL;
const host = env.HOST ?? '127.0.0.1';
const ports = {
  gateway: Number(env.GATEWAY_PORT ?? 8080),
  account: Number(env.ACCOUNT_PORT ?? 8003),
  product: Number(env.PRODUCT_PORT ?? 8001),
  cart: Number(env.CART_PORT ?? 8007),
  order: Number(env.ORDER_PORT ?? 8005),
  notification: Number(env.NOTIFICATION_PORT ?? 8009),
  analytics: Number(env.ANALYTICS_PORT ?? 8011),
};
const gatewayMetricsPort = Number(env.GATEWAY_METRICS_PORT ?? 9080);
// Clients reach the shop through the gateway, so its URL is the token issuer.
env.PUBLIC_URL ??= `http://localhost:${ports.gateway}`;
env.ACCOUNT_URL ??= `http://127.0.0.1:${ports.account}`;
env.PRODUCT_URL ??= `http://127.0.0.1:${ports.product}`;
env.CART_URL ??= `http://127.0.0.1:${ports.cart}`;
env.ORDER_URL ??= `http://127.0.0.1:${ports.order}`;
env.NOTIFICATION_URL ??= `http://127.0.0.1:${ports.notification}`;
env.ANALYTICS_URL ??= `http://127.0.0.1:${ports.analytics}`;
// The gateway reaches the account service over loopback and names the client in
// X-Forwarded-For: the account service trusts that one hop (a loopback peer) and nothing
// else, so the login limits count per client, not per gateway.
env.ACCOUNT_TRUST_PROXY ??= 'loopback';
// The order service's client for stock reservations: a fresh secret per start unless configured.
if (!env.ORDER_CLIENT_SECRET) {
  env.ORDER_CLIENT_SECRET = randomBytes(24).toString('base64url');
  env.OAUTH_CLIENTS = [env.OAUTH_CLIENTS, `order:${env.ORDER_CLIENT_SECRET}:inventory:reserve`]
    .filter(Boolean)
    .join(',');
}
// The product service's client for asking the order service about overdue reservations: the same.
if (!env.PRODUCT_CLIENT_SECRET) {
  env.PRODUCT_CLIENT_SECRET = randomBytes(24).toString('base64url');
  env.OAUTH_CLIENTS = [env.OAUTH_CLIENTS, `product:${env.PRODUCT_CLIENT_SECRET}:order:reconcile`]
    .filter(Boolean)
    .join(',');
}

/** Closed in this order on shutdown: the gateway first (no new requests), the bus last. */
const closers: Array<() => Promise<void>> = [];
let pglite: SharedPglite | undefined;
try {
  const started = Date.now();
  for (const [service, port] of Object.entries(ports)) {
    await assertPortFree(host, port, service, `${service.toUpperCase()}_PORT`);
  }
  await assertPortFree(host, gatewayMetricsPort, 'gateway metrics', 'GATEWAY_METRICS_PORT');
  // The web app the gateway serves at /, built on the first start and after its sources
  // change; before any service opens its port, so the shop's ports open close together.
  if (!env.WEB_DIR && !webBuildIsCurrent()) {
    console.log('  Building the web app (first start, or its sources changed)…');
    await ensureWebBuild();
  }
  if (embedded) pglite = await openSharedPglite(join(env.DATA_DIR ?? './data', 'pglite'));
  // One bus for every service: RabbitMQ in server mode, in-process otherwise. Embedded, the
  // in-process bus keeps its messages in the shared PGlite, so a crash loses none.
  const bus: Bus = env.AMQP_URL
    ? await RabbitMqBus.open({ url: env.AMQP_URL, logger })
    : await InProcessBus.open({
        logger,
        store: pglite
          ? await PgMessageStore.open(await openPglite({ ...MESSAGE_STORE_MIGRATIONS, client: pglite.client }))
          : undefined,
      });
  closers.push(() => bus.close());
  const shared = { env, pglite: pglite?.client, logger, bus };

  const account = await startAccount(shared);
  closers.unshift(account.close);
  const product = await startProduct(shared);
  closers.unshift(product.close);
  const cart = await startCart(shared);
  closers.unshift(cart.close);
  const order = await startOrder(shared);
  closers.unshift(order.close);
  const notification = await startNotification(shared);
  closers.unshift(notification.close);
  const analytics = await startAnalytics(shared);
  closers.unshift(analytics.close);
  const gateway = await startGateway({ env, logger });
  closers.unshift(gateway.close);

  const admin = account.createdAdmin;
  // A password is shown only when the shop chose it; one from ADMIN_PASSWORD is never printed.
  const adminLine = (email: string, created: boolean, chosen: string | undefined) =>
    chosen
      ? `  Admin      ${email} / ${chosen}  (created now; change it with PATCH /api/account/me)`
      : `  Admin      ${email} (${created ? 'created now with the password in ADMIN_PASSWORD' : 'the password set on first start, or since'})`;
  const shop = env.PUBLIC_URL.replace(/\/+$/, '');
  const lines = [
    '',
    `  Shop is running (${embedded ? `embedded mode, data in ${env.DATA_DIR ?? './data'}` : 'server mode'}), started in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    '',
    `  Shop       ${shop}/          (the storefront; the admin at ${shop}/admin)`,
    `  Shop API   ${shop}/api/products`,
    `  API docs   ${shop}/docs`,
    adminLine(admin?.email ?? account.config.ADMIN_EMAIL, Boolean(admin), account.defaultAdminPassword),
    '',
    `  Services   account ${account.url}  product ${product.url}  cart ${cart.url}`,
    `             order ${order.url}  notification ${notification.url}`,
    `             analytics ${analytics.url}  (each with /docs and /metrics)`,
    `  Metrics    the gateway's on ${gateway.metricsUrl} (never on the shop's public port)`,
    '',
    '  Stop with Ctrl+C.',
    '',
  ];
  console.log(lines.join('\n'));

  closeOnSignals(async () => {
    for (const close of closers) await close();
    await pglite?.close();
    await telemetry.shutdown();
  }, logger);
} catch (error) {
  console.error(`\n  The shop could not start: ${(error as Error).message}\n`);
  for (const close of closers) await close().catch(() => undefined);
  await pglite?.close().catch(() => undefined);
  await telemetry.shutdown().catch(() => undefined);
  process.exit(1);
}
