import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequestLimiter, type RequestLimiter, type RequestLimiterOptions } from '../src/rate-limit.ts';
import { testServers } from '../src/testing/index.ts';

const REQUESTS = 3;
const WINDOW_SECONDS = 30;

type MakeLimiter = (options: Omit<RequestLimiterOptions, 'redis' | 'name'>) => RequestLimiter;

async function consumeTimes(limiter: RequestLimiter, key: string, times: number) {
  const answers = [];
  for (let i = 0; i < times; i += 1) answers.push(await limiter.consume(key));
  return answers;
}

/** The same contract for every adapter. */
function requestLimiterContract(make: () => MakeLimiter) {
  let limiter: RequestLimiter;
  beforeAll(() => {
    limiter = make()({ requests: REQUESTS, windowSeconds: WINDOW_SECONDS });
  });

  it(`when a key makes ${REQUESTS} requests, then each is allowed and remaining counts down to 0`, async () => {
    const answers = await consumeTimes(limiter, 'ip:10.0.0.1', REQUESTS);
    expect(answers.map((answer) => answer.allowed)).toEqual([true, true, true]);
    expect(answers.map((answer) => answer.remaining)).toEqual([2, 1, 0]);
    for (const answer of answers) {
      expect(answer.limit).toBe(REQUESTS);
      expect(answer.resetSeconds).toBeGreaterThan(0);
      expect(answer.resetSeconds).toBeLessThanOrEqual(WINDOW_SECONDS);
    }
  });

  it('when a key goes over the limit, then it is refused with 0 < resetSeconds <= the window', async () => {
    const key = 'ip:10.0.0.2';
    await consumeTimes(limiter, key, REQUESTS);
    const refused = await limiter.consume(key);
    expect(refused.allowed).toBe(false);
    expect(refused.remaining).toBe(0);
    expect(Number.isInteger(refused.resetSeconds)).toBe(true);
    expect(refused.resetSeconds).toBeGreaterThan(0);
    expect(refused.resetSeconds).toBeLessThanOrEqual(WINDOW_SECONDS);
  });

  it('when one key is refused, then another key is still allowed', async () => {
    await consumeTimes(limiter, 'ip:10.0.0.3', REQUESTS + 1);
    expect((await limiter.consume('ip:10.0.0.3')).allowed).toBe(false);
    expect((await limiter.consume('ip:10.0.0.4')).allowed).toBe(true);
  });

  it('when the window has passed, then the key is allowed again', async () => {
    const short = make()({ requests: 1, windowSeconds: 1 });
    expect((await short.consume('brief')).allowed).toBe(true);
    const refused = await short.consume('brief');
    expect(refused).toMatchObject({ allowed: false, resetSeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await short.consume('brief')).allowed).toBe(true);
  });
}

describe('createRequestLimiter (memory)', () => {
  requestLimiterContract(() => (options) => createRequestLimiter({ name: `mem-${randomUUID()}`, ...options }));
});

const redisUrl = testServers().redisUrl;
if (redisUrl === null) console.warn('request-limiter (redis) tests skipped: Redis is not reachable for this run');

describe.runIf(redisUrl !== null)('createRequestLimiter (redis)', () => {
  const run = `requestlimit-${randomUUID()}`;
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

  requestLimiterContract(
    () => (options) => createRequestLimiter({ name: `${run}-${randomUUID()}`, ...options, redis }),
  );

  it('when two replicas share a name on one Redis, then together they get one allowance', async () => {
    const name = `${run}-replicas`;
    const second = new Redis(redisUrl ?? '', { maxRetriesPerRequest: 1 });
    try {
      const replicaA = createRequestLimiter({ name, requests: 2, windowSeconds: 60, redis });
      const replicaB = createRequestLimiter({ name, requests: 2, windowSeconds: 60, redis: second });
      expect((await replicaA.consume('ip:1')).allowed).toBe(true);
      expect((await replicaB.consume('ip:1')).allowed).toBe(true);
      expect((await replicaA.consume('ip:1')).allowed).toBe(false);
      expect((await replicaB.consume('ip:1')).allowed).toBe(false);
    } finally {
      await second.quit();
    }
  });

  it('when Redis is unreachable, then each replica still limits in memory', async () => {
    const dead = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    dead.on('error', () => {});
    try {
      const limiter = createRequestLimiter({ name: `${run}-dead`, requests: 2, windowSeconds: 60, redis: dead });
      const answers = await consumeTimes(limiter, 'ip:1', 3);
      expect(answers.map((answer) => answer.allowed)).toEqual([true, true, false]);
    } finally {
      dead.disconnect();
    }
  });
});
