import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICES, type ServiceName } from '../src/routes-table.ts';
import {
  expectProblem,
  startTestGateway,
  startUpstream,
  type TestGateway,
  type TestUpstream,
  URL_KEYS,
} from './helpers.ts';

const healthy = (response: ServerResponse) => {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end('{"status":"ok"}');
};

describe('health', () => {
  const upstreams = {} as Record<ServiceName, TestUpstream>;
  const status: Partial<Record<ServiceName, number>> = {};
  let gateway: TestGateway;

  beforeAll(async () => {
    for (const service of SERVICES) {
      upstreams[service] = await startUpstream((_request, response) => {
        const code = status[service] ?? 200;
        if (code === 200) return healthy(response);
        response.writeHead(code);
        response.end();
      });
    }
    gateway = await startTestGateway(
      Object.fromEntries(SERVICES.map((service) => [URL_KEYS[service], upstreams[service].url])),
    );
  });
  afterAll(async () => {
    await gateway?.close();
    await Promise.all(SERVICES.map((service) => upstreams[service]?.close()));
  });

  it('when the gateway runs, then /health/live answers 200 without asking anyone', async () => {
    for (const service of SERVICES) upstreams[service].received.length = 0;
    const response = await gateway.send({ path: '/health/live' });
    expect(response.status).toBe(200);
    expect(SERVICES.flatMap((service) => upstreams[service].received)).toEqual([]);
  });

  it('when every service is live, then /health/ready is 200 listing each, having asked each /health/live', async () => {
    for (const service of SERVICES) upstreams[service].received.length = 0;
    const response = await gateway.send({ path: '/health/ready' });
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({
      status: 'ok',
      checks: Object.fromEntries(SERVICES.map((service) => [service, 'ok'])),
    });
    for (const service of SERVICES) {
      expect(upstreams[service].received.map((received) => received.url)).toEqual(['/health/live']);
    }
  });

  it('when a service is unhealthy, then /health/ready is 503 naming it and only it', async () => {
    status.cart = 503;
    try {
      const body = expectProblem(await gateway.send({ path: '/health/ready' }), 503);
      expect(body.detail).toBe('Not ready: cart unavailable.');
    } finally {
      delete status.cart;
    }
  });

  it('when a service is not running, then /health/ready is 503 naming it', async () => {
    await upstreams.order.close();
    const body = expectProblem(await gateway.send({ path: '/health/ready' }), 503);
    expect(body.detail).toBe('Not ready: order unavailable.');
  });

  it('when the metrics are read after proxied requests, then they report them by route; the public port serves none', async () => {
    await gateway.send({ path: '/api/products/1' });
    expectProblem(await gateway.send({ path: '/metrics' }), 404);
    const text = await gateway.app.metrics.metrics();
    const counted = text.split('\n').filter((line) => line.startsWith('http_request_duration_seconds_count{'));
    expect(counted.some((line) => line.includes('route="/api/products/*"') && line.includes('service="gateway"'))).toBe(
      true,
    );
  });
});
