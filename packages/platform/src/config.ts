import { Ajv } from 'ajv';
import { type Static, type TSchema, Type } from 'typebox';

/** Thrown at start when an environment variable is missing or malformed. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const ajv = new Ajv({ coerceTypes: true, useDefaults: true, allErrors: true, strict: false });

/**
 * Reads typed configuration from environment variables.
 * The schema is a TypeBox object whose keys are the variable names; each property
 * carries its default and a `description` that doubles as the operator's manual.
 * Empty strings count as unset, so `FOO=` falls back to the default. With `service`,
 * `<SERVICE>_<KEY>` is read before `<KEY>`, so one process can give each service its own.
 */
export function loadConfig<S extends TSchema>(
  schema: S,
  options: { env?: NodeJS.ProcessEnv; service?: string } = {},
): Static<S> {
  const env = options.env ?? process.env;
  const prefix = options.service ? `${options.service.toUpperCase()}_` : undefined;
  const properties = (schema as unknown as { properties: Record<string, unknown> }).properties;
  const input: Record<string, unknown> = {};
  const source: Record<string, string> = {};
  for (const key of Object.keys(properties)) {
    // A service-prefixed variable (ORDER_DATABASE_URL) wins over the shared one (DATABASE_URL).
    const names = prefix ? [`${prefix}${key}`, key] : [key];
    const name = names.find((candidate) => env[candidate] !== undefined && env[candidate] !== '');
    if (name) {
      input[key] = env[name];
      source[key] = name;
    }
  }
  const validate = ajv.compile(schema);
  if (!validate(input)) {
    const problems = (validate.errors ?? []).map((error) => {
      const key = error.instancePath.replace(/^\//, '') || String(error.params.missingProperty ?? '');
      const got = key && key in input ? ` (got ${JSON.stringify(input[key])})` : '';
      return `${source[key] ?? key} ${error.message}${got}`;
    });
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  return input as Static<S>;
}

/** The configuration schema as rows for documentation: name, default, description. */
export function describeConfig(schema: TSchema): Array<{ name: string; default: string; description: string }> {
  const properties = (schema as unknown as { properties: Record<string, { default?: unknown; description?: string }> })
    .properties;
  return Object.entries(properties).map(([name, property]) => ({
    name,
    default: property.default === undefined ? '' : String(property.default),
    description: property.description ?? '',
  }));
}

/**
 * The settings every service has, for its config schema to spread: where it listens,
 * its public URL (the token issuer), its database, its bus, its log level and where its
 * traces go (read before the service starts, by telemetry/settings.ts: listed here for the
 * documentation and the `<SERVICE>_` prefix they share with the rest).
 */
export function serviceConfigFields(port: number) {
  return {
    HOST: Type.String({ default: '127.0.0.1', description: 'Interface to listen on (0.0.0.0 in containers).' }),
    PORT: Type.Integer({
      default: port,
      minimum: 0,
      maximum: 65535,
      description:
        'Port the service listens on (with the service name in front, e.g. PRODUCT_PORT, in a shared environment).',
    }),
    PUBLIC_URL: Type.String({
      default: 'http://localhost:8080',
      description:
        'Base URL clients use (the gateway); the token issuer (iss) and the base of the OAuth metadata URLs.',
    }),
    DATABASE_URL: Type.String({
      default: '',
      description: 'PostgreSQL URL (server mode). Empty: the embedded PGlite database under DATA_DIR.',
    }),
    DATABASE_POOL_SIZE: Type.Integer({
      default: 10,
      minimum: 1,
      maximum: 1000,
      description:
        'Most PostgreSQL connections one service process holds (server mode). Replicas × this, summed over services, must stay under the server’s max_connections.',
    }),
    DATA_DIR: Type.String({ default: './data', description: 'Where embedded mode keeps its data.' }),
    AMQP_URL: Type.String({
      default: '',
      description: 'RabbitMQ URL for events and jobs (server mode). Empty under npm start: the in-process bus.',
    }),
    LOG_LEVEL: Type.String({
      default: 'info',
      description: 'pino log level: fatal, error, warn, info, debug, trace, silent.',
    }),
    OTEL_EXPORTER_OTLP_ENDPOINT: Type.String({
      default: '',
      description:
        'OpenTelemetry collector (OTLP/HTTP) the service sends its traces to, e.g. http://otel-collector:4318 (traces go to its /v1/traces). Empty: no tracing, and none of its cost.',
    }),
    OTEL_SERVICE_NAME: Type.String({
      default: '',
      description:
        'The service.name traces carry. Empty: the service name (account, product, …; shop for npm start, where one process runs them all).',
    }),
    REQUEST_TIMEOUT_MS: Type.Integer({
      default: 60_000,
      minimum: 1_000,
      description:
        'Longest time a client may take to send a whole request (headers and body); past it, 408 and the connection closes.',
    }),
  };
}

/** For services that verify access tokens: where the account service (its JWKS) is. */
export const accountUrlField = {
  ACCOUNT_URL: Type.String({
    default: 'http://127.0.0.1:8003',
    description: 'Where services reach the account service (its JWKS verifies access tokens).',
  }),
};
