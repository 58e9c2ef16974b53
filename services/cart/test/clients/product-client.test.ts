import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { ServiceClient } from '@shop/platform';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HttpProductCatalog } from '../../src/clients/product-client.ts';
import { rejectsWith } from '../domain/support.ts';

type Answer = (id: number, response: ServerResponse) => void | Promise<void>;

const json = (response: ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' });
  response.end(JSON.stringify(body));
};
const product = (id: number, priceCents: number) => ({ id, name: `Product ${id}`, price_cents: priceCents });

/**
 * The product service's edge, as a stub that counts requests: the client's caching,
 * sharing and error mapping are what is tested here (the routes test it against the real
 * product service).
 */
describe('HttpProductCatalog', () => {
  let server: Server;
  let baseUrl: string;
  let answer: Answer;
  let requests: number[];
  let price: number;
  const clients: ServiceClient[] = [];

  beforeAll(async () => {
    server = createServer((request: IncomingMessage, response: ServerResponse) => {
      const id = Number(/^\/api\/products\/(\d+)$/.exec(request.url ?? '')?.[1]);
      requests.push(id);
      void answer(id, response);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  function catalog(ttlSeconds: number, options: { timeoutMs?: number; clock?: { now(): number } } = {}) {
    requests = [];
    price = 100;
    answer = (id, response) => json(response, 200, product(id, price));
    const http = new ServiceClient({ service: 'product', baseUrl, timeoutMs: options.timeoutMs ?? 2_000 });
    clients.push(http);
    return new HttpProductCatalog(http, { ttlSeconds, clock: options.clock });
  }

  it('when a product is on sale, then its id, name and price come back', async () => {
    expect(await catalog(5).find(12)).toEqual({ id: 12, name: 'Product 12', priceCents: 100 });
  });

  it('when a product is asked for again within the TTL, then the cached one is served; after it, it is asked for again', async () => {
    let nowMs = 1_000_000;
    const products = catalog(5, { clock: { now: () => nowMs } });
    await products.find(1);
    price = 250;
    nowMs += 4_900;
    expect((await products.find(1))?.priceCents).toBe(100);
    expect(requests).toEqual([1]);
    nowMs += 200;
    expect((await products.find(1))?.priceCents).toBe(250);
    expect(requests).toEqual([1, 1]);
  });

  it('when the TTL is 0, then every lookup asks the product service', async () => {
    const products = catalog(0);
    await products.find(1);
    price = 300;
    expect((await products.find(1))?.priceCents).toBe(300);
    expect(requests).toEqual([1, 1]);
  });

  for (const ttl of [5, 0]) {
    it(`when one product is looked up many times at once (TTL ${ttl}), then one request serves them all; other products get their own`, async () => {
      const products = catalog(ttl);
      answer = async (id, response) => {
        await sleep(50);
        json(response, 200, product(id, 100));
      };
      const found = await Promise.all([1, 1, 1, 2, 1, 2].map((id) => products.find(id)));
      expect(found.map((p) => p?.id)).toEqual([1, 1, 1, 2, 1, 2]);
      expect(requests.sort()).toEqual([1, 2]);
    });
  }

  it('when the product service answers 404, then the product is not sold (null), and that is not cached', async () => {
    const products = catalog(5);
    answer = (_id, response) => json(response, 404, { status: 404 });
    expect(await products.find(9)).toBeNull();
    answer = (id, response) => json(response, 200, product(id, 100));
    expect(await products.find(9)).not.toBeNull();
    expect(requests).toEqual([9, 9]);
  });

  it('when the product service fails with 500, then unavailable with Retry-After, and the failure is not cached', async () => {
    const products = catalog(5);
    answer = (_id, response) => json(response, 500, { status: 500 });
    const error = await rejectsWith(products.find(3), 'unavailable');
    expect(error.retryAfterSeconds).toBeGreaterThan(0);
    answer = (id, response) => json(response, 200, product(id, 100));
    expect(await products.find(3)).not.toBeNull();
  });

  it('when the product service is slower than the deadline, then unavailable within about the deadline', async () => {
    const products = catalog(5, { timeoutMs: 200 });
    answer = async (id, response) => {
      await sleep(1_000);
      if (!response.destroyed) json(response, 200, product(id, 100));
    };
    const started = Date.now();
    await rejectsWith(products.find(4), 'unavailable');
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('when nothing listens at the product service’s address, then unavailable', async () => {
    const http = new ServiceClient({ service: 'product', baseUrl: 'http://127.0.0.1:9', timeoutMs: 500 });
    clients.push(http);
    await rejectsWith(new HttpProductCatalog(http, { ttlSeconds: 5 }).find(1), 'unavailable');
  });

  it('when the answer is not a product, then bad gateway rather than a made-up line', async () => {
    const products = catalog(5);
    answer = (id, response) => json(response, 200, { id, name: 'No price' });
    await rejectsWith(products.find(5), 'bad_gateway');
  });
});
