import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp, type HttpApp } from '../src/http/app.ts';
import { serveMetrics } from '../src/http/metrics.ts';
import { createLogger } from '../src/logger.ts';

const logger = createLogger({ name: 'test', level: 'silent' });

describe('metrics on a port of their own', () => {
  let app: HttpApp;
  let metrics: Awaited<ReturnType<typeof serveMetrics>>;

  beforeAll(async () => {
    app = await createHttpApp({ name: 'public', logger, metricsRoute: false });
    app.get('/things', async () => ({ ok: true }));
    await app.ready();
    metrics = await serveMetrics(app.metrics, { host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await metrics.close();
    await app.close();
  });

  it('when the app keeps its metrics off its own port, then /metrics there is a 404 problem', async () => {
    const response = await app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('when the management port is scraped, then it serves the app’s request metrics as Prometheus text', async () => {
    await app.inject({ method: 'GET', url: '/things' });
    const response = await fetch(metrics.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toContain(
      'http_request_duration_seconds_count{service="public",method="GET",route="/things",status_code="200"} 1',
    );
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it('when anything else is asked of the management port, then 404', async () => {
    expect((await fetch(metrics.url.replace('/metrics', '/health/live'))).status).toBe(404);
    expect((await fetch(metrics.url, { method: 'POST' })).status).toBe(404);
  });
});
