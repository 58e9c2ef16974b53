/**
 * The shop in server mode with every service on a host of its own: a network namespace
 * per service on a private network (see netns.ts), PostgreSQL, Redis and RabbitMQ of
 * this machine reached through forwarders on the machine's address in that network.
 * Each service learns every address from its environment alone: its HOST is its own
 * address, the *_URL variables name the others', PUBLIC_URL the gateway's.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshPostgresDatabase, testServers } from '@shop/platform/testing';
import { AMQP_URL, isolatedVhost } from './broker.ts';
import { TcpForwarder } from './forwarder.ts';
import { type NamespacedService, startInNamespace } from './namespaced-service.ts';
import { createNetwork, expectSubnetFree, expectVethRoute, type PrivateNetwork, removeNetworks } from './netns.ts';
import { SERVICES, type ServiceName } from './stack.ts';

/** Every namespace and veth of this test is named so; a crashed run's are removed by it. */
export const NETWORK_PREFIX = 'shop-hosts';
/** The private network, 10.231.0.0/24: the machine is .1, the services .11 to .17. */
const SUBNET = '10.231.0';
/** Each service listens on its usual port: on a host of its own, nothing else takes it. */
const PORTS: Record<ServiceName, number> = {
  account: 8003,
  product: 8001,
  cart: 8007,
  order: 8005,
  notification: 8009,
  analytics: 8011,
  gateway: 8080,
};

export interface ShopOnHosts {
  /** The gateway's URL: its namespace's address. */
  gateway: string;
  network: PrivateNetwork;
  adminEmail: string;
  adminPassword: string;
  /** Stops every service (each must exit 0), then removes the network, the database and the vhost. */
  stop(): Promise<void>;
}

export async function startShopOnHosts(options: { upstreamTimeoutMs: number }): Promise<ShopOnHosts> {
  await removeNetworks(NETWORK_PREFIX);
  await expectSubnetFree(SUBNET);
  const network = await createNetwork({ prefix: NETWORK_PREFIX, subnet: SUBNET, hosts: SERVICES });
  const cleanups: Array<() => Promise<void>> = [() => network.remove()];
  const running = new Map<ServiceName, NamespacedService>();
  const cleanUp = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: Error) => console.warn(error.message));
    cleanups.length = 0;
  };
  const stopServices = async () => {
    const stopped = await Promise.all(
      [...running].map(async ([name, service]) => [name, await service.stop(), service.output()] as const),
    );
    running.clear();
    const unclean = stopped.filter(([, code]) => code !== 0);
    if (unclean.length > 0) {
      throw new Error(
        unclean.map(([name, code, output]) => `the ${name} service exited with ${code}:\n${output}`).join('\n'),
      );
    }
  };
  try {
    // Inside every namespace, the machine and each peer are reached through its veth, never lo.
    for (const service of SERVICES) {
      const namespace = network.namespace(service);
      await expectVethRoute(network.hostAddress, namespace);
      for (const peer of SERVICES.filter((other) => other !== service)) {
        await expectVethRoute(network.address(peer), namespace);
      }
    }

    const servers = testServers();
    const database = await freshPostgresDatabase();
    cleanups.push(() => database.drop());
    const vhost = await isolatedVhost(AMQP_URL);
    cleanups.push(() => vhost.remove());
    const forwarders = await Promise.all(
      [database.url, servers.redisUrl ?? '', vhost.url].map((url) => TcpForwarder.start(network.hostAddress, url)),
    );
    cleanups.push(async () => {
      await Promise.all(forwarders.map((forwarder) => forwarder.close()));
    });
    const [postgres, redis, rabbit] = forwarders as [TcpForwarder, TcpForwarder, TcpForwarder];
    const dataDir = mkdtempSync(join(tmpdir(), 'shop-hosts-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));

    const url = (service: ServiceName) => `http://${network.address(service)}:${PORTS[service]}`;
    const orderSecret = randomBytes(24).toString('base64url');
    const productSecret = randomBytes(24).toString('base64url');
    const shared: Record<string, string> = {
      PUBLIC_URL: url('gateway'),
      ACCOUNT_URL: url('account'),
      PRODUCT_URL: url('product'),
      CART_URL: url('cart'),
      ORDER_URL: url('order'),
      NOTIFICATION_URL: url('notification'),
      ANALYTICS_URL: url('analytics'),
      DATABASE_URL: postgres.url(database.url),
      REDIS_URL: redis.url(servers.redisUrl ?? ''),
      // Login and sign-up limits of this run's own: other runs on this Redis count apart.
      ACCOUNT_LIMITS_REDIS_PREFIX: `e2e-${randomBytes(4).toString('hex')}:`,
      AMQP_URL: rabbit.url(vhost.url),
      DATA_DIR: dataDir,
      ADMIN_PASSWORD: 'admin-password-hosts',
      ORDER_CLIENT_SECRET: orderSecret,
      PRODUCT_CLIENT_SECRET: productSecret,
      OAUTH_CLIENTS: `order:${orderSecret}:inventory:reserve,product:${productSecret}:order:reconcile`,
      // The gateway is the one proxy the account service believes about the client's address.
      ACCOUNT_TRUST_PROXY: network.address('gateway'),
      GATEWAY_UPSTREAM_TIMEOUT_MS: String(options.upstreamTimeoutMs),
      // Registrations per IP are counted in the shared Redis for an hour: runs on one machine add up.
      REGISTRATION_MAX_PER_IP: '100000',
      // Carts of this run only: the Redis server is shared with other runs.
      CART_REDIS_PREFIX: `hosts-${randomBytes(4).toString('hex')}:`,
      DEMO_CATALOG: 'false',
      SMTP_URL: '',
      EMAIL_BACKOFF_MS: '200',
      REQUEST_TIMEOUT_MS: '5000',
      ARGON2_MEMORY_KIB: '1024',
      ARGON2_TIME_COST: '1',
      LOG_LEVEL: 'warn',
    };
    const start = async (service: ServiceName) => {
      const env = { ...shared, HOST: network.address(service), PORT: String(PORTS[service]) };
      running.set(service, await startInNamespace(network.namespace(service), service, url(service), env));
    };
    // The account service first: it creates the signing keys the others' JWKS checks read.
    await start('account');
    await Promise.all(SERVICES.filter((service) => service !== 'account').map(start));
    const deadline = Date.now() + 60_000;
    while (!(await fetch(`${url('gateway')}/health/ready`).catch(() => undefined))?.ok) {
      if (Date.now() > deadline) throw new Error('the gateway did not become ready');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return {
      gateway: url('gateway'),
      network,
      adminEmail: 'admin@example.com',
      adminPassword: shared.ADMIN_PASSWORD ?? '',
      async stop() {
        try {
          await stopServices();
        } finally {
          await cleanUp();
        }
      },
    };
  } catch (error) {
    await stopServices().catch(() => {});
    await cleanUp();
    throw error;
  }
}
