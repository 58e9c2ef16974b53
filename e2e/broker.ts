/**
 * RabbitMQ for the server-mode end-to-end tests: whether it is reachable, and a virtual
 * host of one's own.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import amqplib from 'amqplib';

const run = promisify(execFile);

export const AMQP_URL = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** Connects once to see whether the broker answers. */
export async function probeAmqp(url: string): Promise<{ ok: boolean; reason?: string }> {
  try {
    const connection = await amqplib.connect(url, { timeout: 2_000 });
    await connection.close();
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: (error as Error).message || String(error) };
  }
}

/**
 * A fresh virtual host on the broker, for one test file's stack. The stack's queue names
 * are fixed (`notification`, `notification.email`), so two stacks on one vhost at the same
 * time (test files run in parallel, other runs on the same machine) would take each other's
 * events and e-mail jobs. Made with `rabbitmqctl` when the broker is local and the tool can
 * reach it (as in CI); otherwise the URL's own vhost is used, with a warning.
 * `remove()` deletes the vhost with everything in it.
 */
export async function isolatedVhost(url: string): Promise<{ url: string; remove: () => Promise<void> }> {
  const parsed = new URL(url);
  const shared = { url, remove: async () => {} };
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname)) {
    console.warn(`RabbitMQ at ${parsed.host} is not local: this file's stack shares its vhost with other runs`);
    return shared;
  }
  const vhost = `shop-e2e-${randomBytes(4).toString('hex')}`;
  const user = decodeURIComponent(parsed.username) || 'guest';
  const ctl = (...args: string[]) => run('rabbitmqctl', ['-q', ...args], { timeout: 30_000 });
  try {
    await ctl('add_vhost', vhost);
    await ctl('set_permissions', '-p', vhost, user, '.*', '.*', '.*');
  } catch (error) {
    await ctl('delete_vhost', vhost).catch(() => {});
    console.warn(
      `rabbitmqctl could not make a vhost (${(error as Error).message.split('\n')[0]}): this file's stack shares its vhost with other runs`,
    );
    return shared;
  }
  parsed.pathname = `/${encodeURIComponent(vhost)}`;
  return {
    url: parsed.toString(),
    remove: async () => {
      await ctl('delete_vhost', vhost);
    },
  };
}

/**
 * What a server-mode suite cannot reach of PostgreSQL, Redis and RabbitMQ, logged once
 * with the suite's name; under CI=true an unreachable server fails the run instead.
 */
export async function missingServers(
  suite: string,
  servers: { postgresUrl: string | null; redisUrl: string | null },
): Promise<string[]> {
  const broker = await probeAmqp(AMQP_URL);
  const missing = [
    servers.postgresUrl ? '' : 'PostgreSQL',
    servers.redisUrl ? '' : 'Redis',
    broker.ok ? '' : `RabbitMQ at ${AMQP_URL} (${broker.reason})`,
  ].filter(Boolean);
  if (missing.length === 0) return missing;
  if (process.env.CI === 'true') throw new Error(`CI=true but not reachable: ${missing.join(', ')}`);
  console.warn(`${suite} skipped, not reachable: ${missing.join(', ')}`);
  return missing;
}
