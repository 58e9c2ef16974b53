import { randomUUID } from 'node:crypto';
import { testServers } from '@shop/platform/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  echo,
  expectProblem,
  startTestGateway,
  startUpstream,
  type TestGateway,
  type TestUpstream,
} from './helpers.ts';

const LIMIT = 3;
const WINDOW = 10;
/** A little over the Redis limiter's sync interval (batched-limiter.ts). */
const SYNC_MS = 150;

let product: TestUpstream;
beforeAll(async () => {
  product = await startUpstream(echo('product'));
});
afterAll(async () => {
  await product?.close();
});

async function exhaust(gateway: TestGateway, headers: Record<string, string> = {}) {
  const statuses = [];
  for (let i = 0; i < LIMIT; i += 1) statuses.push((await gateway.send({ path: '/api/products', headers })).status);
  return statuses;
}

describe('rate limit (memory)', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({
      PRODUCT_URL: product.url,
      RATE_LIMIT_REQUESTS: LIMIT,
      RATE_LIMIT_WINDOW: WINDOW,
    });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it(`when one IP makes ${LIMIT} requests, then all pass with RateLimit headers counting down, and the next is 429`, async () => {
    product.received.length = 0;
    const remaining = [];
    for (let i = 0; i < LIMIT; i += 1) {
      const response = await gateway.send({ path: `/api/products?page=${i}` });
      expect(response.status).toBe(200);
      expect(response.headers['ratelimit-limit']).toBe(String(LIMIT));
      expect(response.headers['ratelimit-policy']).toBe(`${LIMIT};w=${WINDOW}`);
      remaining.push(response.headers['ratelimit-remaining']);
    }
    expect(remaining).toEqual(['2', '1', '0']);

    const refused = await gateway.send({ path: '/api/products?page=over' });
    const body = expectProblem(refused, 429);
    expect(body.type).toBe('urn:problem:rate_limited');
    const retryAfter = Number(refused.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW);
    expect(refused.headers['ratelimit-remaining']).toBe('0');
    expect(refused.headers['x-request-id']).toBeTruthy();
    expect(product.received.map((received) => received.url)).not.toContain('/api/products?page=over');
    expect(product.received).toHaveLength(LIMIT);
  });

  it('when an IP is over the limit, then /health/* and /metrics still answer', async () => {
    expect((await gateway.send({ path: '/api/products' })).status).toBe(429);
    expect((await gateway.send({ path: '/health/live' })).status).toBe(200);
  });

  it('when an IP is over the limit, then a forged X-Forwarded-For does not help (TRUST_PROXY off)', async () => {
    const response = await gateway.send({ path: '/api/products', headers: { 'x-forwarded-for': '198.51.100.77' } });
    expect(response.status).toBe(429);
  });
});

describe('rate limit behind a load balancer (TRUST_PROXY=1)', () => {
  it('when clients arrive through a trusted proxy, then each X-Forwarded-For address has its own allowance', async () => {
    const gateway = await startTestGateway({
      PRODUCT_URL: product.url,
      RATE_LIMIT_REQUESTS: LIMIT,
      RATE_LIMIT_WINDOW: WINDOW,
      TRUST_PROXY: '1',
    });
    try {
      const a = { 'x-forwarded-for': '198.51.100.1' };
      const b = { 'x-forwarded-for': '198.51.100.2' };
      expect(await exhaust(gateway, a)).toEqual([200, 200, 200]);
      expect((await gateway.send({ path: '/api/products', headers: a })).status).toBe(429);
      expect((await gateway.send({ path: '/api/products', headers: b })).status).toBe(200);
      // Client a writes its own X-Forwarded-For; the load balancer appends a's address to it.
      const forged = { 'x-forwarded-for': '203.0.113.50, 198.51.100.1' };
      expect((await gateway.send({ path: '/api/products', headers: forged })).status).toBe(429);
    } finally {
      await gateway.close();
    }
  });
});

describe('rate limit settings', () => {
  it('when RATE_LIMIT_REQUESTS is 0, then nothing is limited and no RateLimit headers are sent', async () => {
    const gateway = await startTestGateway({ PRODUCT_URL: product.url, RATE_LIMIT_REQUESTS: 0 });
    try {
      for (let i = 0; i < 30; i += 1) {
        const response = await gateway.send({ path: '/api/products' });
        expect(response.status).toBe(200);
        expect(response.headers['ratelimit-limit']).toBeUndefined();
      }
    } finally {
      await gateway.close();
    }
  });

  it('when the window has passed, then the IP may send again', async () => {
    const gateway = await startTestGateway({ PRODUCT_URL: product.url, RATE_LIMIT_REQUESTS: 1, RATE_LIMIT_WINDOW: 1 });
    try {
      expect((await gateway.send({ path: '/api/products' })).status).toBe(200);
      const refused = await gateway.send({ path: '/api/products' });
      expect(refused.status).toBe(429);
      expect(refused.headers['retry-after']).toBe('1');
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect((await gateway.send({ path: '/api/products' })).status).toBe(200);
    } finally {
      await gateway.close();
    }
  });
});

const redisUrl = testServers().redisUrl;
if (redisUrl === null) console.warn('gateway rate limit (redis) tests skipped: Redis is not reachable for this run');

describe.runIf(redisUrl !== null)('rate limit (redis)', () => {
  const name = `gatewaytest-${randomUUID()}`;
  let redisA: Redis;
  let redisB: Redis;
  let replicaA: TestGateway;
  let replicaB: TestGateway;
  beforeAll(async () => {
    // As main.ts connects: commands fail at once while Redis is down.
    const connect = async () => {
      const redis = new Redis(redisUrl ?? '', {
        lazyConnect: true,
        maxRetriesPerRequest: 1,
        enableOfflineQueue: false,
      });
      await redis.connect();
      return redis;
    };
    redisA = await connect();
    redisB = await connect();
    const config = { PRODUCT_URL: product.url, RATE_LIMIT_REQUESTS: LIMIT, RATE_LIMIT_WINDOW: WINDOW };
    replicaA = await startTestGateway(config, { redis: redisA, rateLimitName: name });
    replicaB = await startTestGateway(config, { redis: redisB, rateLimitName: name });
  });
  afterAll(async () => {
    await replicaA?.close();
    await replicaB?.close();
    const keys = await redisA.keys(`ratelimit:${name}*`);
    if (keys.length > 0) await redisA.del(...keys);
    await redisA?.quit();
    await redisB?.quit();
  });

  it('when one IP spreads its requests over two replicas, then they share one allowance through Redis', async () => {
    // Each replica adds what it admitted on its own to Redis every sync interval (100 ms):
    // the documented tolerance. Here every switch of replica waits for that sync.
    const synced = () => new Promise((resolve) => setTimeout(resolve, SYNC_MS));
    expect((await replicaA.send({ path: '/api/products' })).status).toBe(200);
    expect((await replicaB.send({ path: '/api/products' })).status).toBe(200);
    expect((await replicaA.send({ path: '/api/products' })).status).toBe(200);
    await synced();
    const refusedB = await replicaB.send({ path: '/api/products' });
    expectProblem(refusedB, 429);
    expect(Number(refusedB.headers['retry-after'])).toBeGreaterThan(0);
    expect((await replicaA.send({ path: '/api/products' })).status).toBe(429);

    const keys = await redisA.keys(`ratelimit:${name}*`);
    expect(keys).toHaveLength(1);
    const ttl = await redisA.pttl(keys[0] ?? '');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(WINDOW * 1000);
  });

  it('when Redis is unreachable, then the gateway keeps limiting in memory and keeps serving', async () => {
    const dead = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    dead.on('error', () => {});
    const gateway = await startTestGateway(
      { PRODUCT_URL: product.url, RATE_LIMIT_REQUESTS: LIMIT, RATE_LIMIT_WINDOW: WINDOW },
      { redis: dead, rateLimitName: `${name}-dead` },
    );
    try {
      expect(await exhaust(gateway)).toEqual([200, 200, 200]);
      expectProblem(await gateway.send({ path: '/api/products' }), 429);
    } finally {
      await gateway.close();
      dead.disconnect();
    }
  });
});
