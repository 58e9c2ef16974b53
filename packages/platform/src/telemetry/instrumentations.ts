import { FastifyOtelInstrumentation } from '@fastify/otel';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { AmqplibInstrumentation } from '@opentelemetry/instrumentation-amqplib';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation, type UndiciRequest } from '@opentelemetry/instrumentation-undici';

/** Probes and scrapes, every few seconds from Kubernetes and Prometheus: not worth a trace each. */
const PROBES = ['/health/live', '/health/ready', '/metrics'];

function isProbe(url: string | undefined): boolean {
  const path = (url ?? '').split('?')[0] ?? '';
  return PROBES.includes(path);
}

/**
 * What the services trace, each named explicitly (no auto-discovery): HTTP in (node:http)
 * and Fastify's routes, HTTP out (undici: the platform's service client and the gateway's
 * proxy), PostgreSQL, Redis and RabbitMQ.
 */
export function instrumentations(): Instrumentation[] {
  return [
    new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => isProbe(request.url) }),
    new FastifyOtelInstrumentation({
      registerOnInitialization: true,
      // The request and its handler; a span per lifecycle hook would bury them.
      instrumentHooks: false,
      ignorePaths: (route) => isProbe(route.url),
      // "POST /api/orders/:id/cancel" rather than "request": the route, not the URL.
      requestHook: (span, request) =>
        span.updateName(`${request.method} ${request.routeOptions.url ?? 'unknown route'}`),
    }),
    new UndiciInstrumentation({ requestHook: (_span, request) => dropCallersTraceHeaders(request) }),
    // Queries and commands outside any request or delivery (the outbox relay's polling,
    // leader election) would each start a trace of one span, several a second.
    new PgInstrumentation({ requireParentSpan: true }),
    new IORedisInstrumentation({ requireParentSpan: true }),
    new AmqplibInstrumentation(),
  ];
}

/**
 * Takes out a `traceparent` or `tracestate` the caller set itself (the gateway forwards
 * the trace it is in), before the instrumentation adds the client span's own: two
 * `traceparent` headers reach the service joined into one that no parser accepts, and
 * the trace would break there.
 */
function dropCallersTraceHeaders(request: UndiciRequest): void {
  const isTraceHeader = (name: unknown) => typeof name === 'string' && /^(traceparent|tracestate)$/i.test(name.trim());
  if (Array.isArray(request.headers)) {
    // undici 6 and later: [name, value, name, value, ...]
    const kept = request.headers.filter((_, i, all) => !isTraceHeader(all[i - (i % 2)]));
    request.headers.splice(0, request.headers.length, ...kept);
  } else {
    // Older undici: the raw header block.
    request.headers = request.headers
      .split('\r\n')
      .filter((line) => !isTraceHeader(line.split(':')[0] ?? ''))
      .join('\r\n');
  }
}
