/**
 * The two ways the shop runs, for the end-to-end suite: `npm start` in embedded mode,
 * and one process per service in server mode on real PostgreSQL, Redis and RabbitMQ.
 * A suite sees only the gateway's URL and what a topology can do to its processes.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshPostgresDatabase, testServers } from '@shop/platform/testing';
import { AMQP_URL, isolatedVhost, missingServers } from './broker.ts';
import {
  type RunningService,
  type RunningStack,
  SERVICES,
  type ServiceName,
  shopPorts,
  startService,
  startStackOn,
} from './stack.ts';

export interface Shop {
  /** The one origin clients use. */
  gateway: string;
  adminEmail: string;
  adminPassword: string;
  /**
   * Takes `service` away while `whileDown` runs, then brings it back and waits until the
   * gateway reaches it again. Where every service shares one process, the whole shop stops
   * and a gateway of its own stands in on the same port.
   */
  withServiceDown(service: ServiceName, whileDown: () => Promise<void>): Promise<void>;
  /** Stops every process (each must exit 0) and removes what the topology made. */
  stop(): Promise<void>;
}

export interface Topology {
  name: string;
  start(): Promise<Shop>;
}

const ADMIN_EMAIL = 'admin@example.com';

/**
 * The same in both topologies. The suite stands in for a load balancer on loopback, so the
 * gateway trusts that hop's X-Forwarded-For (clients of several addresses); requests must
 * arrive within 5 s (e2e bodies are small), so a slow one is cut off quickly.
 */
const E2E_SETTINGS = {
  GATEWAY_TRUST_PROXY: 'loopback',
  REQUEST_TIMEOUT_MS: '5000',
  // Orders reach the analytics reports within seconds, without asking for a refresh.
  ANALYTICS_ETL_INTERVAL_SECONDS: '2',
};

async function waitForGateway(gateway: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const ready = await fetch(`${gateway}/health/ready`).catch(() => undefined);
    if (ready?.ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${gateway} did not become ready`);
}

function expectCleanExit(what: string, code: number | null, output: string): void {
  if (code !== 0) throw new Error(`${what} exited with ${code}:\n${output}`);
}

/** `npm start` with a data folder of its own. */
export const embedded: Topology = {
  name: 'embedded (npm start: one process, PGlite, in-process bus)',
  async start() {
    const dataDir = mkdtempSync(join(tmpdir(), 'shop-e2e-'));
    const shop = await shopPorts();
    const env = { DATA_DIR: dataDir, DATABASE_URL: '', AMQP_URL: '', REDIS_URL: '', ...E2E_SETTINGS };
    let stack: RunningStack = await startStackOn(shop, env);
    return {
      gateway: shop.urls.gateway,
      adminEmail: ADMIN_EMAIL,
      adminPassword: 'admin12345',
      async withServiceDown(_service, whileDown) {
        expectCleanExit('the stack', await stack.stop(), stack.output());
        const alone = await startService('gateway', shop.env, Number(shop.env.GATEWAY_PORT));
        try {
          await whileDown();
        } finally {
          expectCleanExit('the gateway', await alone.stop(), alone.output());
          stack = await startStackOn(shop, env);
        }
        await waitForGateway(shop.urls.gateway);
      },
      async stop() {
        try {
          expectCleanExit('the stack', await stack.stop(), stack.output());
        } finally {
          rmSync(dataDir, { recursive: true, force: true });
        }
      },
    };
  },
};

/** One process per service (`npm run start:service -- <name>`) on the machine's servers. */
export const server: Topology = {
  name: 'server (a process per service, PostgreSQL, Redis, RabbitMQ)',
  async start() {
    const servers = testServers();
    const database = await freshPostgresDatabase();
    // A vhost of its own: another shop on the same broker must not take this one's messages.
    const vhost = await isolatedVhost(AMQP_URL);
    const shop = await shopPorts();
    const secret = randomBytes(24).toString('base64url');
    const productSecret = randomBytes(24).toString('base64url');
    const env: Record<string, string> = {
      ...shop.env,
      DATABASE_URL: database.url,
      AMQP_URL: vhost.url,
      REDIS_URL: servers.redisUrl ?? '',
      // Login and sign-up limits of this run's own: other runs on this Redis count apart.
      ACCOUNT_LIMITS_REDIS_PREFIX: `e2e-${randomBytes(4).toString('hex')}:`,
      // Registrations per IP are counted in the shared Redis for an hour: runs on one machine add up.
      REGISTRATION_MAX_PER_IP: '100000',
      // Carts of this run only: the Redis server is shared with other runs.
      CART_REDIS_PREFIX: `e2e-${randomBytes(4).toString('hex')}:`,
      ADMIN_PASSWORD: 'admin-password-e2e',
      DEMO_CATALOG: 'false',
      SMTP_URL: '',
      ORDER_CLIENT_SECRET: secret,
      PRODUCT_CLIENT_SECRET: productSecret,
      OAUTH_CLIENTS: `order:${secret}:inventory:reserve,product:${productSecret}:order:reconcile`,
      ACCOUNT_TRUST_PROXY: 'loopback',
      ...E2E_SETTINGS,
    };
    const running = new Map<ServiceName, RunningService>();
    const start = async (name: ServiceName) => {
      running.set(name, await startService(name, env, Number(env[`${name.toUpperCase()}_PORT`])));
    };
    const stopAll = async () => {
      const codes = await Promise.all(
        [...running].map(async ([name, child]) => [name, await child.stop(), child.output()] as const),
      );
      running.clear();
      for (const [name, code, output] of codes) expectCleanExit(`the ${name} service`, code, output);
    };
    try {
      // The account service first: it creates the signing keys the others' JWKS checks read.
      await start('account');
      await Promise.all(SERVICES.filter((name) => name !== 'account').map(start));
      await waitForGateway(shop.urls.gateway);
    } catch (error) {
      await stopAll().catch(() => undefined);
      await database.drop();
      await vhost.remove();
      throw error;
    }
    return {
      gateway: shop.urls.gateway,
      adminEmail: ADMIN_EMAIL,
      adminPassword: env.ADMIN_PASSWORD ?? '',
      async withServiceDown(service, whileDown) {
        const child = running.get(service);
        if (!child) throw new Error(`${service} is not running`);
        running.delete(service);
        expectCleanExit(`the ${service} service`, await child.stop(), child.output());
        try {
          await whileDown();
        } finally {
          await start(service);
        }
        await waitForGateway(shop.urls.gateway);
      },
      async stop() {
        try {
          await stopAll();
        } finally {
          await database.drop();
          await vhost.remove();
        }
      },
    };
  },
};

/**
 * The topologies this machine can run: embedded always; server mode when PostgreSQL,
 * Redis and RabbitMQ answer (always in CI, where their absence is a failure).
 */
export async function availableTopologies(): Promise<Topology[]> {
  const missing = await missingServers('End-to-end suite in server mode', testServers());
  return missing.length === 0 ? [embedded, server] : [embedded];
}
