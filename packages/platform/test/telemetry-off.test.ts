/**
 * Without OTEL_EXPORTER_OTLP_ENDPOINT, tracing is off and costs nothing: no tracer
 * provider is registered, nothing is patched, and the platform keeps its own W3C trace
 * context for events and log lines, as before OpenTelemetry came in.
 */
import { Server } from 'node:http';
import { Writable } from 'node:stream';
import { trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { createHttpApp } from '../src/http/app.ts';
import { createLogger } from '../src/logger.ts';
import { startTelemetry } from '../src/telemetry/index.ts';
import { telemetrySettings, tracesUrl } from '../src/telemetry/settings.ts';
import { currentTraceparent, runWithTrace } from '../src/trace.ts';

const isPatched = (fn: unknown) => Boolean((fn as { __wrapped?: boolean }).__wrapped);

describe('telemetry without an endpoint', () => {
  it('when no endpoint is set, then nothing starts: the global tracer is the no-op one and nothing is patched', async () => {
    const telemetry = await startTelemetry({ service: 'order', env: { ORDER_OTEL_SERVICE_NAME: 'orders' } });
    expect(telemetry.enabled).toBe(false);
    const span = trace.getTracer('probe').startSpan('probe');
    expect(span.isRecording()).toBe(false);
    expect(trace.isSpanContextValid(span.spanContext())).toBe(false);
    span.end();
    const { default: pg } = await import('pg');
    expect(isPatched(pg.Client.prototype.query)).toBe(false);
    expect(isPatched(Server.prototype.emit)).toBe(false);
    await telemetry.shutdown();
  });

  it('when a request carries a traceparent, then its log lines carry that trace id and a span id of its own', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const app = await createHttpApp({ name: 'plain', logger: createLogger({ name: 'plain' }, stream), docs: false });
    app.post('/login', async (request) => {
      request.log.info({ password: 'hunter2' }, 'handling');
      return { traceparent: currentTraceparent() };
    });
    await app.ready();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const response = await app.inject({
      method: 'POST',
      url: '/login',
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    const [, seenTrace, seenSpan] = String(response.json().traceparent).split('-');
    expect(seenTrace).toBe(traceId);
    const line = lines.find((entry) => entry.msg === 'handling');
    expect(line).toMatchObject({ trace_id: traceId, span_id: seenSpan, service: 'plain', password: '[redacted]' });
    expect(seenSpan).not.toBe('00f067aa0ba902b7');
    await app.close();
  });

  it('when work is named for a span, then without OpenTelemetry it still runs in a child of the carried trace', () => {
    const parent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const seen = runWithTrace(parent, () => currentTraceparent(), { name: 'handle test.event' });
    expect(seen).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    expect(seen).not.toBe(parent);
  });

  it('when no request or event is being handled, then log lines carry no trace ids', () => {
    const lines: string[] = [];
    const logger = createLogger(
      { name: 'idle' },
      new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    logger.info('idle');
    expect(JSON.parse(lines[0] ?? '{}')).not.toHaveProperty('trace_id');
  });
});

describe('telemetry settings', () => {
  it('when the service-prefixed variable is set, then it wins; empty counts as unset; the name defaults to the service', () => {
    expect(telemetrySettings('order', {})).toEqual({ endpoint: '', serviceName: 'order' });
    expect(
      telemetrySettings('order', {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        ORDER_OTEL_EXPORTER_OTLP_ENDPOINT: 'http://other:4318',
        OTEL_SERVICE_NAME: '',
      }),
    ).toEqual({ endpoint: 'http://other:4318', serviceName: 'order' });
    expect(telemetrySettings('order', { OTEL_SERVICE_NAME: 'shop-order' }).serviceName).toBe('shop-order');
  });

  it('when the endpoint is a base URL, then traces go to its /v1/traces', () => {
    expect(tracesUrl('http://collector:4318')).toBe('http://collector:4318/v1/traces');
    expect(tracesUrl('http://collector:4318/')).toBe('http://collector:4318/v1/traces');
  });
});
