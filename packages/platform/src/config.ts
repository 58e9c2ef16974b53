import { Ajv } from 'ajv';
import type { Static, TSchema } from 'typebox';

/** Thrown at start when an environment variable is missing or malformed. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const ajv = new Ajv({ coerceTypes: true, useDefaults: true, allErrors: true, strict: false });

/**
 * Reads typed configuration from environment variables.
 * The schema is a TypeBox object whose keys are the variable names; each property
 * carries its default and a `description` that doubles as the operator's manual.
 * Empty strings count as unset, so `FOO=` falls back to the default.
 */
export function loadConfig<S extends TSchema>(schema: S, env: NodeJS.ProcessEnv = process.env): Static<S> {
  const properties = (schema as unknown as { properties: Record<string, unknown> }).properties;
  const input: Record<string, unknown> = {};
  for (const key of Object.keys(properties)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const validate = ajv.compile(schema);
  if (!validate(input)) {
    const problems = (validate.errors ?? []).map((error) => {
      const name = error.instancePath.replace(/^\//, '') || String(error.params.missingProperty ?? '');
      const got = name && name in input ? ` (got ${JSON.stringify(input[name])})` : '';
      return `${name} ${error.message}${got}`;
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
