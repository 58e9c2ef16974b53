import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { telemetrySettings } from './settings.ts';
import type { Telemetry } from './telemetry.ts';

const OFF: Telemetry = { enabled: false, flush: async () => {}, shutdown: async () => {} };

export interface TelemetryOptions {
  /** The service (or `shop`, for the stack in one process): its spans' `service.name`. */
  service: string;
  env?: NodeJS.ProcessEnv;
  /** Where spans go instead of OTLP/HTTP (tests); starts tracing without an endpoint. */
  exporter?: SpanExporter;
}

/**
 * Starts OpenTelemetry tracing when OTEL_EXPORTER_OTLP_ENDPOINT is set (or a test passes
 * an exporter); otherwise does nothing: the SDK is not even loaded, no tracer provider is
 * registered, and the platform's trace helpers keep their own W3C trace context.
 *
 * Call it before the modules it instruments are imported (Fastify, pg, ioredis, amqplib):
 * a launcher starts telemetry, then imports the services.
 */
export async function startTelemetry(options: TelemetryOptions): Promise<Telemetry> {
  const settings = telemetrySettings(options.service, options.env ?? process.env);
  if (!settings.endpoint && !options.exporter) return OFF;
  const { startTracing } = await import('./tracing.ts');
  return startTracing({ ...settings, exporter: options.exporter });
}
