import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InProcessBus } from '@shop/platform';
import { freshPglite, testServers } from '@shop/platform/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TcpProxy } from '../../../packages/platform/test/messaging/tcp-proxy.ts';
import { startCart } from '../src/main.ts';
import { orderPlaced } from './helpers.ts';

const env = { PORT: '0', LOG_LEVEL: 'silent', PRODUCT_URL: 'http://127.0.0.1:9' };
const redisUrl = testServers().redisUrl;

describe('startCart', () => {
  let dataDir: string;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'cart-main-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('when started embedded with the shared PGlite and bus, then it listens, is ready, and order.placed empties carts', async () => {
    const pglite = await freshPglite();
    const bus = new InProcessBus();
    const running = await startCart({ env: { ...env, DATA_DIR: dataDir }, pglite, bus });
    try {
      expect(running.url).toMatch(/^http:\/\/localhost:\d+$/);
      expect(running.sweeper).toBeDefined();
      const ready = await fetch(`${running.url}/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ok', checks: { database: 'ok' } });
      expect((await fetch(`${running.url}/api/cart`)).status).toBe(401);

      const carts = running.context.cart.carts;
      await carts.setQuantity(3, 11, 2, 100);
      await bus.publish(orderPlaced(3, [{ product_id: 11, quantity: 2 }]));
      await vi.waitFor(async () => expect(await carts.lines(3)).toEqual([]), { timeout: 5_000 });
    } finally {
      await running.close();
      await bus.close();
      await pglite.close();
    }
  });

  describe.runIf(redisUrl !== null)('with REDIS_URL', () => {
    const prefix = `cart-main-${randomUUID()}:`;
    afterAll(async () => {
      const redis = new Redis(redisUrl ?? '');
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    });

    it('when REDIS_URL is set, then carts live in Redis under CART_REDIS_PREFIX and no database is opened', async () => {
      const redisDir = join(dataDir, 'redis-mode');
      const running = await startCart({
        env: { ...env, REDIS_URL: redisUrl ?? '', CART_REDIS_PREFIX: prefix, DATA_DIR: redisDir },
      });
      try {
        expect(running.sweeper).toBeUndefined();
        const ready = await fetch(`${running.url}/health/ready`);
        expect(await ready.json()).toEqual({ status: 'ok', checks: { redis: 'ok' } });
        await running.context.cart.carts.setQuantity(8, 1, 4, 100);
        const redis = new Redis(redisUrl ?? '');
        expect(await redis.exists(`${prefix}{8}`)).toBe(1);
        await redis.quit();
        expect(existsSync(join(redisDir, 'pglite'))).toBe(false);
      } finally {
        await running.close();
      }
    });

    it('when Redis becomes unreachable, then /health/ready answers 503 naming redis, and 200 again once it is back', async () => {
      const target = new URL(redisUrl ?? '');
      const proxy = await TcpProxy.start(target.hostname, Number(target.port || 6379));
      const running = await startCart({
        env: { ...env, REDIS_URL: proxy.url(redisUrl ?? ''), CART_REDIS_PREFIX: prefix, UPSTREAM_TIMEOUT_MS: '500' },
      });
      try {
        await vi.waitFor(async () => expect((await fetch(`${running.url}/health/ready`)).status).toBe(200), {
          timeout: 5_000,
        });
        proxy.cut();
        const down = await fetch(`${running.url}/health/ready`);
        expect(down.status).toBe(503);
        expect(down.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        const problem = (await down.json()) as { errors?: unknown };
        expect(problem.errors).toEqual([{ dependency: 'redis', status: 'down' }]);
        proxy.restore();
        await vi.waitFor(async () => expect((await fetch(`${running.url}/health/ready`)).status).toBe(200), {
          timeout: 10_000,
          interval: 100,
        });
      } finally {
        await running.close();
        await proxy.close();
      }
    });
  });
});
