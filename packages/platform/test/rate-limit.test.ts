import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AttemptLimiter, type AttemptLimiterOptions, createAttemptLimiter } from '../src/rate-limit.ts';
import { testServers } from '../src/testing/index.ts';

const ATTEMPTS = 3;
const WINDOW_SECONDS = 60;

type MakeLimiter = (options: Omit<AttemptLimiterOptions, 'redis' | 'name'> & { name?: string }) => AttemptLimiter;

/** The same contract for every adapter. */
function attemptLimiterContract(make: () => MakeLimiter) {
  let limiter: AttemptLimiter;
  beforeAll(() => {
    limiter = make()({ attempts: ATTEMPTS, windowSeconds: WINDOW_SECONDS });
  });

  it('when a key has never failed, then it may try now', async () => {
    expect(await limiter.retryAfter('fresh@example.com')).toBeNull();
  });

  it(`when a key has failed fewer than ${ATTEMPTS} times, then it may still try`, async () => {
    const key = 'some@example.com';
    for (let i = 0; i < ATTEMPTS - 1; i += 1) {
      expect(await limiter.retryAfter(key)).toBeNull();
      await limiter.fail(key);
    }
    expect(await limiter.retryAfter(key)).toBeNull();
  });

  it(`when a key has failed ${ATTEMPTS} times, then the next check gives 0 < retryAfter <= the window`, async () => {
    const key = 'blocked@example.com';
    for (let i = 0; i < ATTEMPTS; i += 1) {
      expect(await limiter.retryAfter(key)).toBeNull();
      await limiter.fail(key);
    }
    const retryAfter = await limiter.retryAfter(key);
    expect(retryAfter).not.toBeNull();
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
    expect(Number.isInteger(retryAfter)).toBe(true);
  });

  it('when a blocked key keeps failing, then it stays blocked', async () => {
    const key = 'persistent@example.com';
    for (let i = 0; i < ATTEMPTS + 3; i += 1) await limiter.fail(key);
    expect(await limiter.retryAfter(key)).toBeGreaterThan(0);
  });

  it('when a blocked key is reset, then it may try again with a full allowance', async () => {
    const key = 'reset@example.com';
    for (let i = 0; i < ATTEMPTS; i += 1) await limiter.fail(key);
    expect(await limiter.retryAfter(key)).not.toBeNull();
    await limiter.reset(key);
    expect(await limiter.retryAfter(key)).toBeNull();
    for (let i = 0; i < ATTEMPTS - 1; i += 1) await limiter.fail(key);
    expect(await limiter.retryAfter(key)).toBeNull();
    await limiter.fail(key);
    expect(await limiter.retryAfter(key)).not.toBeNull();
  });

  it('when a key that never failed is reset, then nothing breaks', async () => {
    await limiter.reset('never@example.com');
    expect(await limiter.retryAfter('never@example.com')).toBeNull();
  });

  it('when one key is blocked, then other keys are not', async () => {
    for (let i = 0; i < ATTEMPTS; i += 1) await limiter.fail('ip:10.0.0.1');
    expect(await limiter.retryAfter('ip:10.0.0.1')).not.toBeNull();
    expect(await limiter.retryAfter('ip:10.0.0.2')).toBeNull();
    expect(await limiter.retryAfter('account:10.0.0.1')).toBeNull();
  });

  it('when two limiters have different names, then their counts are independent', async () => {
    const other = make()({ attempts: ATTEMPTS, windowSeconds: WINDOW_SECONDS });
    for (let i = 0; i < ATTEMPTS; i += 1) await limiter.fail('shared-key');
    expect(await limiter.retryAfter('shared-key')).not.toBeNull();
    expect(await other.retryAfter('shared-key')).toBeNull();
  });

  it('when the window has passed, then the key may try again', async () => {
    const short = make()({ attempts: 1, windowSeconds: 1 });
    await short.fail('brief');
    const retryAfter = await short.retryAfter('brief');
    expect(retryAfter).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await short.retryAfter('brief')).toBeNull();
  });
}

describe('createAttemptLimiter (memory)', () => {
  attemptLimiterContract(() => (options) => createAttemptLimiter({ name: `mem-${randomUUID()}`, ...options }));
});

const redisUrl = testServers().redisUrl;

describe.runIf(redisUrl !== null)('createAttemptLimiter (redis)', () => {
  const run = `platformtest-${randomUUID()}`;
  let redis: Redis;
  beforeAll(async () => {
    redis = new Redis(redisUrl ?? '', { maxRetriesPerRequest: 1 });
    await redis.ping();
  });
  afterAll(async () => {
    const keys = await redis.keys(`ratelimit:${run}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  attemptLimiterContract(
    () => (options) => createAttemptLimiter({ name: `${run}-${randomUUID()}`, ...options, redis }),
  );

  it('when two limiters share a name on one Redis (two replicas), then they see the same counts', async () => {
    const name = `${run}-replicas`;
    const replicaA = createAttemptLimiter({ name, attempts: 2, windowSeconds: 60, redis });
    const second = new Redis(redisUrl ?? '', { maxRetriesPerRequest: 1 });
    try {
      const replicaB = createAttemptLimiter({ name, attempts: 2, windowSeconds: 60, redis: second });
      await replicaA.fail('user@example.com');
      await replicaB.fail('user@example.com');
      expect(await replicaA.retryAfter('user@example.com')).toBeGreaterThan(0);
      expect(await replicaB.retryAfter('user@example.com')).toBeGreaterThan(0);
      await replicaB.reset('user@example.com');
      expect(await replicaA.retryAfter('user@example.com')).toBeNull();
    } finally {
      await second.quit();
    }
  });

  it('when failures are counted, then the keys live in Redis under the limiter prefix with an expiry', async () => {
    const name = `${run}-ttl`;
    const limiter = createAttemptLimiter({ name, attempts: 5, windowSeconds: 60, redis });
    await limiter.fail('k');
    const keys = await redis.keys(`ratelimit:${name}*`);
    expect(keys).toHaveLength(1);
    const ttl = await redis.pttl(keys[0]!);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });
});
