import { randomUUID } from 'node:crypto';
import { testServers } from '@shop/platform/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BatchedLimiter, createBatchedLimiter } from '../src/batched-limiter.ts';

const redisUrl = testServers().redisUrl;
if (redisUrl === null) console.warn('batched limiter tests skipped: Redis is not reachable for this run');

describe.runIf(redisUrl !== null)('createBatchedLimiter', () => {
  const run = `batchedlimit-${randomUUID()}`;
  let redis: Redis;
  let second: Redis;
  const limiters: BatchedLimiter[] = [];
  const make = (name: string, requests: number, client = redis, windowSeconds = 30) => {
    const limiter = createBatchedLimiter({ name: `${run}-${name}`, requests, windowSeconds, redis: client });
    limiters.push(limiter);
    return limiter;
  };
  const count = async (name: string, key: string) => Number(await redis.get(`ratelimit:${run}-${name}:${key}`));

  beforeAll(async () => {
    redis = new Redis(redisUrl ?? '', { maxRetriesPerRequest: 1 });
    second = new Redis(redisUrl ?? '', { maxRetriesPerRequest: 1 });
    await Promise.all([redis.ping(), second.ping()]);
  });
  afterAll(async () => {
    await Promise.all(limiters.map((limiter) => limiter.close()));
    const keys = await redis.keys(`ratelimit:${run}*`);
    if (keys.length > 0) await redis.del(...keys);
    await Promise.all([redis.quit(), second.quit()]);
  });

  it('when a key is far from its limit, then its requests are decided here and reach Redis in one batch', async () => {
    const limiter = make('batch', 100);
    // The first request of a window waits for Redis; it learns the count.
    expect((await limiter.consume('ip:1')).remaining).toBe(99);
    const answers = await Promise.all(Array.from({ length: 50 }, () => limiter.consume('ip:1')));
    expect(answers.every((answer) => answer.allowed)).toBe(true);
    expect(answers.at(-1)?.remaining).toBe(49);
    expect(await count('batch', 'ip:1')).toBe(1);
    await limiter.flush();
    expect(await count('batch', 'ip:1')).toBe(51);
    expect(await redis.pttl(`ratelimit:${run}-batch:ip:1`)).toBeGreaterThan(25_000);
  });

  it('when one replica takes many requests at once, then exactly the limit passes', async () => {
    const limiter = make('exact', 50);
    const answers = await Promise.all(Array.from({ length: 80 }, () => limiter.consume('ip:2')));
    expect(answers.filter((answer) => answer.allowed)).toHaveLength(50);
    const refused = await limiter.consume('ip:2');
    expect(refused).toMatchObject({ allowed: false, remaining: 0 });
    expect(refused.resetSeconds).toBeGreaterThan(0);
    expect(refused.resetSeconds).toBeLessThanOrEqual(30);
  });

  it('when two replicas take turns, syncing after each, then together they get one allowance, give or take one turn', async () => {
    const limit = 40;
    const a = make('replicas', limit);
    const b = make('replicas', limit, second);
    let allowed = 0;
    // Each replica admits a burst of 5, then syncs (as its interval would).
    for (let turn = 0; turn < 20; turn++) {
      const replica = turn % 2 === 0 ? a : b;
      const answers = await Promise.all(Array.from({ length: 5 }, () => replica.consume('ip:3')));
      allowed += answers.filter((answer) => answer.allowed).length;
      await replica.flush();
    }
    // A replica's count lags by what the other admitted since its own last sync: one turn at most.
    expect(allowed).toBeGreaterThanOrEqual(limit);
    expect(allowed).toBeLessThanOrEqual(limit + 5);
    expect((await a.consume('ip:3')).allowed).toBe(false);
    expect((await b.consume('ip:3')).allowed).toBe(false);
  });

  it('when both replicas admit before either syncs, then each admits at most the limit less its reserved tenth, and both refuse once they ask Redis again', async () => {
    const limit = 100;
    const a = make('tolerance', limit);
    const b = make('tolerance', limit, second);
    // Both learn the count, then each takes 80 more without a sync in between.
    await a.consume('ip:4');
    await b.consume('ip:4');
    const burst = (replica: BatchedLimiter) => Promise.all(Array.from({ length: 80 }, () => replica.consume('ip:4')));
    const answers = [...(await burst(a)), ...(await burst(b))];
    await Promise.all([a.flush(), b.flush()]);
    const allowed = 2 + answers.filter((answer) => answer.allowed).length;
    // Unsynced, each replica admitted up to the reserve it keeps (limit - limit/10): the documented tolerance.
    expect(allowed).toBeGreaterThan(limit);
    expect(allowed).toBeLessThanOrEqual(2 * (limit - limit / 10));
    // Two sync intervals later neither trusts its own copy: each asks Redis, and both refuse.
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect((await a.consume('ip:4')).allowed).toBe(false);
    expect((await b.consume('ip:4')).allowed).toBe(false);
  });

  it('when the window has passed, then the key is allowed again', async () => {
    const limiter = make('window', 1, redis, 1);
    expect((await limiter.consume('ip:5')).allowed).toBe(true);
    expect(await limiter.consume('ip:5')).toMatchObject({ allowed: false, resetSeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await limiter.consume('ip:5')).allowed).toBe(true);
  });

  it('when Redis is unreachable, then the replica limits alone and keeps serving', async () => {
    const dead = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    dead.on('error', () => {});
    try {
      const limiter = make('dead', 2, dead);
      const answers = [];
      for (let i = 0; i < 3; i++) answers.push((await limiter.consume('ip:6')).allowed);
      expect(answers).toEqual([true, true, false]);
    } finally {
      dead.disconnect();
    }
  });
});
