/** What tracing needs from the environment, read as every service reads its configuration. */
export interface TelemetrySettings {
  /** OTLP/HTTP base URL (`http://collector:4318`); empty: tracing is off. */
  endpoint: string;
  /** The `service.name` spans are exported under. */
  serviceName: string;
}

/**
 * OTEL_EXPORTER_OTLP_ENDPOINT and OTEL_SERVICE_NAME (the OpenTelemetry SDKs' own names),
 * with `<SERVICE>_` in front winning, as for every other variable, and empty meaning unset.
 * The service name defaults to the service's.
 */
export function telemetrySettings(service: string, env: NodeJS.ProcessEnv): TelemetrySettings {
  const read = (key: string) => env[`${service.toUpperCase()}_${key}`] || env[key] || '';
  return { endpoint: read('OTEL_EXPORTER_OTLP_ENDPOINT'), serviceName: read('OTEL_SERVICE_NAME') || service };
}

/** Where OTLP/HTTP takes traces, under the endpoint's base URL (the OTLP specification's rule). */
export function tracesUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}
