import { randomUUID } from 'node:crypto';
import { DomainError } from '@shop/platform/errors';
import { testServers } from '@shop/platform/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TcpProxy } from '../../../../packages/platform/test/messaging/tcp-proxy.ts';
import { RedisCartStore } from '../../src/db/redis-cart-store.ts';
import { cartStoreContract, IDLE_DAYS } from './cart-store.contract.ts';

const redisUrl = testServers().redisUrl;
const IDLE_MS = IDLE_DAYS * 86_400_000;

/** Every key under `prefix`. */
async function keysOf(redis: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const batch of redis.scanStream({ match: `${prefix}*`, count: 500 })) keys.push(...(batch as string[]));
  return keys;
}

/** A key prefix of this suite's own: the Redis server is shared with other runs. */
const uniquePrefix = () => `cart-test-${randomUUID()}:`;

describe.runIf(redisUrl !== null)('RedisCartStore', () => {
  cartStoreContract('redis', async () => {
    const redis = new Redis(redisUrl ?? '', { maxRetriesPerRequest: 1 });
    const prefix = uniquePrefix();
    return {
      store: new RedisCartStore(redis, { idleDays: IDLE_DAYS, prefix }),
      // Redis expires keys by its own clock: letting time pass is taking it off every key's TTL.
      passTime: async (ms) => {
        for (const key of await keysOf(redis, prefix)) {
          const ttl = await redis.pttl(key);
          if (ttl < 0) continue; // no expiry: the store forgot it, and the expiry tests fail
          if (ttl <= ms) await redis.del(key);
          else await redis.pexpire(key, ttl - ms);
        }
      },
      expireIdle: async () => {},
      close: async () => {
        const keys = await keysOf(redis, prefix);
        if (keys.length > 0) await redis.del(...keys);
        await redis.quit();
      },
    };
  });

  describe('keys and expiry', () => {
    let redis: Redis;
    let store: RedisCartStore;
    const prefix = uniquePrefix();

    beforeAll(() => {
      redis = new Redis(redisUrl ?? '', { maxRetriesPerRequest: 1 });
      store = new RedisCartStore(redis, { idleDays: IDLE_DAYS, prefix });
    });
    afterAll(async () => {
      const keys = await keysOf(redis, prefix);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    });

    it('when a cart is written, then it is one hash under the prefix, keyed by user, expiring after the idle days', async () => {
      await store.setQuantity(42, 7, 3, 100);
      expect(await keysOf(redis, prefix)).toEqual([`${prefix}{42}`]);
      expect(await redis.type(`${prefix}{42}`)).toBe('hash');
      const ttl = await redis.pttl(`${prefix}{42}`);
      expect(ttl).toBeGreaterThan(IDLE_MS - 60_000);
      expect(ttl).toBeLessThanOrEqual(IDLE_MS);
    });

    it('when a cart is read, then its expiry is renewed to the full idle period', async () => {
      await store.setQuantity(43, 7, 3, 100);
      await redis.pexpire(`${prefix}{43}`, 60_000);
      await store.lines(43);
      expect(await redis.pttl(`${prefix}{43}`)).toBeGreaterThan(IDLE_MS - 60_000);
    });

    it('when an order is applied, then its marker shares the cart’s hash tag and expires too', async () => {
      await store.setQuantity(44, 7, 3, 100);
      const eventId = randomUUID();
      await store.applyOrder(44, eventId, [{ productId: 7, quantity: 1 }]);
      const marker = `${prefix}{44}:applied:${eventId}`;
      expect(await redis.exists(marker)).toBe(1);
      expect(await redis.pttl(marker)).toBeGreaterThan(0);
    });

    it('when the last line goes, then the key is deleted rather than left empty', async () => {
      await store.setQuantity(45, 7, 3, 100);
      await store.remove(45, [7]);
      expect(await redis.exists(`${prefix}{45}`)).toBe(0);
    });
  });

  describe('when Redis cannot be reached', () => {
    let proxy: TcpProxy;
    let redis: Redis;
    let store: RedisCartStore;
    const prefix = uniquePrefix();

    beforeAll(async () => {
      const target = new URL(redisUrl ?? '');
      proxy = await TcpProxy.start(target.hostname, Number(target.port || 6379));
      redis = new Redis(proxy.url(redisUrl ?? ''), { maxRetriesPerRequest: 1, commandTimeout: 1_000 });
      redis.on('error', () => {});
      store = new RedisCartStore(redis, { idleDays: IDLE_DAYS, prefix });
    });
    afterAll(async () => {
      redis.disconnect();
      await proxy.close();
      const direct = new Redis(redisUrl ?? '');
      const keys = await keysOf(direct, prefix);
      if (keys.length > 0) await direct.del(...keys);
      await direct.quit();
    });

    it('then every call fails as unavailable (503) within the deadline, and works again once Redis is back', async () => {
      await store.setQuantity(1, 1, 2, 100);
      proxy.cut();
      for (const call of [() => store.lines(1), () => store.setQuantity(1, 2, 1, 100), () => store.clear(1)]) {
        const started = Date.now();
        const error = await call().then(
          () => null,
          (reason: unknown) => reason,
        );
        expect(error).toBeInstanceOf(DomainError);
        expect((error as DomainError).code).toBe('unavailable');
        expect(Date.now() - started).toBeLessThan(3_000);
      }
      proxy.restore();
      await expect
        .poll(() => store.lines(1).catch(() => null), { timeout: 10_000, interval: 100 })
        .toEqual([{ productId: 1, quantity: 2 }]);
    });
  });
});
