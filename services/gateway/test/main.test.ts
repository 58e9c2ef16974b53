import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testServers } from '@shop/platform/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway } from '../src/main.ts';
import { echo, silentLogger, startUpstream, type TestUpstream } from './helpers.ts';

let product: TestUpstream;
beforeAll(async () => {
  product = await startUpstream((request, response, body) => {
    if (request.url?.startsWith('/api/products/streaming')) {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('a'.repeat(1000));
      setTimeout(() => response.end('b'.repeat(1000)), 300);
      return;
    }
    if (request.url?.startsWith('/api/products/slow')) {
      setTimeout(() => echo('product')(request, response, body), 300);
      return;
    }
    echo('product')(request, response, body);
  });
});
afterAll(async () => {
  await product?.close();
});

const baseEnv = () => ({
  HOST: '127.0.0.1',
  GATEWAY_PORT: '0',
  GATEWAY_METRICS_PORT: '0',
  LOG_LEVEL: 'silent',
  PRODUCT_URL: product.url,
});

describe('startGateway', () => {
  it('when started from the environment, then GATEWAY_<KEY> wins, defaults fill the rest, and it proxies', async () => {
    const gateway = await startGateway({ env: { ...baseEnv(), PORT: '1' }, logger: silentLogger() });
    try {
      expect(gateway.config).toMatchObject({
        PORT: 0,
        PUBLIC_URL: 'http://localhost:8080',
        CART_URL: 'http://127.0.0.1:8007',
        RATE_LIMIT_REQUESTS: 1000,
        RATE_LIMIT_WINDOW: 10,
        UPSTREAM_TIMEOUT_MS: 30_000,
        TRUST_PROXY: 'false',
        REQUEST_TIMEOUT_MS: 60_000,
        CORS_ORIGINS: '',
        REDIS_URL: '',
      });
      expect(gateway.config).not.toHaveProperty('DATABASE_URL');
      expect(gateway.url).toMatch(/^http:\/\/localhost:\d+$/);
      const response = await fetch(`${gateway.url}/api/products?x=1`);
      expect(await response.json()).toMatchObject({ service: 'product', url: '/api/products?x=1' });
      expect(response.headers.get('ratelimit-limit')).toBe('1000');
    } finally {
      await gateway.close();
    }
  });

  it('when running, then /metrics is served on the management port and never on the public one', async () => {
    const gateway = await startGateway({ env: baseEnv(), logger: silentLogger() });
    try {
      await fetch(`${gateway.url}/api/products`);
      const publicMetrics = await fetch(`${gateway.url}/metrics`);
      expect(publicMetrics.status).toBe(404);
      expect(await publicMetrics.text()).not.toContain('http_request_duration_seconds');
      const scraped = await fetch(gateway.metricsUrl);
      expect(scraped.status).toBe(200);
      expect(new URL(gateway.metricsUrl).port).not.toBe(new URL(gateway.url).port);
      expect(await scraped.text()).toMatch(/http_request_duration_seconds_count\{service="gateway",method="GET"/);
    } finally {
      await gateway.close();
    }
  });

  it('when its metrics port is taken, then it refuses to start, naming GATEWAY_METRICS_PORT', async () => {
    const first = await startGateway({ env: baseEnv(), logger: silentLogger() });
    try {
      const taken = new URL(first.metricsUrl).port;
      await expect(
        startGateway({ env: { ...baseEnv(), GATEWAY_METRICS_PORT: taken }, logger: silentLogger() }),
      ).rejects.toThrow('GATEWAY_METRICS_PORT');
    } finally {
      await first.close();
    }
  });

  it('when a request body drips in slower than REQUEST_TIMEOUT_MS allows, then the gateway answers 408 problem+json', async () => {
    const gateway = await startGateway({ env: { ...baseEnv(), REQUEST_TIMEOUT_MS: '1500' }, logger: silentLogger() });
    try {
      const { port } = new URL(gateway.url);
      const answer = await new Promise<string>((resolve) => {
        let text = '';
        const socket = connect(Number(port), '127.0.0.1', () =>
          socket.write(
            'PUT /api/products/1 HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n',
          ),
        );
        const drip = setInterval(() => socket.writable && socket.write('a'), 100);
        socket.on('data', (chunk) => {
          text += chunk;
        });
        socket.on('close', () => {
          clearInterval(drip);
          resolve(text);
        });
        socket.on('error', () => {}); // the server closes the connection after its answer
      });
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(answer).toMatch(/content-type: application\/problem\+json/i);
    } finally {
      // Nothing is left waiting for the rest of that body: the gateway closes promptly.
      const closing = Date.now();
      await gateway.close();
      expect(Date.now() - closing).toBeLessThan(3_000);
    }
  }, 15_000);

  it('when closed with a proxied request in flight, then that request completes and new ones are refused', async () => {
    const gateway = await startGateway({ env: baseEnv(), logger: silentLogger() });
    const inFlight = fetch(`${gateway.url}/api/products/slow`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closing = gateway.close();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ service: 'product' });
    await closing;
    await expect(fetch(`${gateway.url}/health/live`)).rejects.toThrow();
  });

  it('when closed while a response is already streaming, then it arrives whole and close() follows promptly', async () => {
    const gateway = await startGateway({ env: baseEnv(), logger: silentLogger() });
    const response = await fetch(`${gateway.url}/api/products/streaming`);
    const started = Date.now();
    const closing = gateway.close();
    expect(await response.text()).toBe('a'.repeat(1000) + 'b'.repeat(1000));
    await closing;
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('when WEB_DIR holds a build, then / serves it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shop-web-main-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>shop</title>');
    const gateway = await startGateway({ env: { ...baseEnv(), WEB_DIR: dir }, logger: silentLogger() });
    try {
      expect(await (await fetch(`${gateway.url}/`)).text()).toContain('<title>shop</title>');
    } finally {
      await gateway.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['RATE_LIMIT_WINDOW', '0'],
    ['RATE_LIMIT_REQUESTS', '-1'],
    ['PRODUCT_URL', 'product:8001'],
    ['TRUST_PROXY', 'perhaps'],
    ['TRUST_PROXY', 'true'],
    ['TRUST_PROXY', '10.0.0.0/99'],
    ['UPSTREAM_TIMEOUT_MS', 'soon'],
  ])('when %s is %s, then it refuses to start, naming the variable', async (key, value) => {
    await expect(startGateway({ env: { ...baseEnv(), [key]: value }, logger: silentLogger() })).rejects.toThrow(key);
  });
});

const redisUrl = testServers().redisUrl;
if (redisUrl === null) console.warn('gateway startGateway (redis) test skipped: Redis is not reachable for this run');

describe.runIf(redisUrl !== null)('startGateway with REDIS_URL', () => {
  // Client addresses of this run only (through TRUST_PROXY=1): another gateway on the same
  // Redis (a parallel test, a stack on this machine) counts 127.0.0.1 under the same name.
  const run = Math.floor(Math.random() * 250) + 1;
  const warmup = `198.18.${run}.1`;
  const client = `198.18.${run}.2`;
  const keys = [warmup, client].map((ip) => `ratelimit:gateway:${ip}`);
  let redis: Redis;
  beforeAll(async () => {
    redis = new Redis(redisUrl ?? '', { maxRetriesPerRequest: 1 });
    await redis.del(...keys);
  });
  afterAll(async () => {
    await redis?.del(...keys);
    await redis?.quit();
  });

  it('when REDIS_URL is set, then the per-IP count lives in Redis and the limit holds', async () => {
    const gateway = await startGateway({
      env: {
        ...baseEnv(),
        REDIS_URL: redisUrl ?? '',
        RATE_LIMIT_REQUESTS: '2',
        RATE_LIMIT_WINDOW: '30',
        TRUST_PROXY: '1',
      },
      logger: silentLogger(),
    });
    const send = (ip: string) => fetch(`${gateway.url}/api/products`, { headers: { 'x-forwarded-for': ip } });
    try {
      // main.ts connects in the background; until then the in-memory fallback counts.
      for (let attempt = 0; attempt < 50 && !(await redis.exists(keys[0] ?? '')); attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        await send(warmup);
      }
      expect(await redis.exists(keys[0] ?? '')).toBe(1);
      expect((await send(client)).status).toBe(200);
      expect((await send(client)).status).toBe(200);
      const refused = await send(client);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      // The refusal was decided from the count Redis answered: refusals are not counted.
      expect(Number(await redis.get(keys[1] ?? ''))).toBe(2);
      const ttl = await redis.pttl(keys[1] ?? '');
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(30_000);
    } finally {
      await gateway.close();
    }
  });
});
