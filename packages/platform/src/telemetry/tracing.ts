import { setTimeout as sleep } from 'node:timers/promises';
import { context, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { traceWithOpenTelemetry } from '../trace.ts';
import { instrumentations } from './instrumentations.ts';
import { loadInstrumentedModules } from './preload.ts';
import { tracesUrl } from './settings.ts';
import type { Telemetry } from './telemetry.ts';

/** Longest a shutdown waits for the last spans to be exported (closeOnSignals allows 10 s in all). */
const SHUTDOWN_WAIT_MS = 3_000;

/**
 * The OpenTelemetry SDK for this process: a tracer provider exporting in batches
 * (OTLP/HTTP, JSON, to `endpoint`, unless a test hands its own exporter), W3C trace
 * context propagation, the instrumentations, and the platform's trace helpers following
 * its active span. Loaded only when tracing is on.
 */
export function startTracing(options: { serviceName: string; endpoint: string; exporter?: SpanExporter }): Telemetry {
  const exporter =
    options.exporter ?? new OTLPTraceExporter({ url: tracesUrl(options.endpoint), timeoutMillis: SHUTDOWN_WAIT_MS });
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  const disableInstrumentations = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: instrumentations(),
  });
  loadInstrumentedModules();
  traceWithOpenTelemetry(provider.getTracer('@shop/platform'));
  let stopped: Promise<void> | undefined;
  return {
    enabled: true,
    flush: () => provider.forceFlush(),
    shutdown: () => {
      stopped ??= (async () => {
        traceWithOpenTelemetry(undefined);
        disableInstrumentations();
        // Exports what is still batched before the process exits, but never holds the exit
        // up for long: a collector that is down costs those spans, not the shutdown.
        await Promise.race([provider.shutdown(), sleep(SHUTDOWN_WAIT_MS, undefined, { ref: false })]);
        trace.disable();
        context.disable();
        propagation.disable();
      })();
      return stopped;
    },
  };
}
