import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';

// ajv-formats ships CommonJS; its default export arrives wrapped under some loaders.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (
  ajv: Ajv,
) => Ajv;

const common: Options = { allErrors: true, strict: false, useDefaults: true, removeAdditional: false };

/**
 * One Ajv per request part (README "Conventions"): JSON bodies are never coerced and
 * unknown fields are refused; query strings, params and headers arrive as text, so
 * they are coerced to the declared types.
 */
const bodyAjv = addFormats(new Ajv({ ...common, coerceTypes: false }));
const textAjv = addFormats(new Ajv({ ...common, coerceTypes: 'array' }));

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  if (httpPart === 'body') return bodyAjv.compile(closeObjects(schema) as object);
  const validate = textAjv.compile(schema as object);
  if (httpPart !== 'params' && httpPart !== 'querystring') return validate;
  return canonicalNumbersFirst(validate, numericFields(schema));
};

type TextValidator = ((data: unknown) => boolean) & { errors?: FastifySchemaValidationError[] | null };

const CANONICAL = {
  integer: /^-?(0|[1-9][0-9]*)$/,
  number: /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/,
};

/**
 * Ajv coerces `0x10`, `+16`, `016`, `16.0` and `1.6e1` to 16, so `/products/0x10` would
 * answer product 16. A number in a path or a query string is written in plain decimal or
 * it is a 400, checked here, on the text, before coercion.
 */
function canonicalNumbersFirst(validate: TextValidator, fields: Map<string, keyof typeof CANONICAL>): TextValidator {
  if (fields.size === 0) return validate;
  const check: TextValidator = (data) => {
    const errors: FastifySchemaValidationError[] = [];
    for (const [name, kind] of fields) {
      const raw = (data as Record<string, unknown> | null)?.[name];
      for (const value of Array.isArray(raw) ? raw : [raw]) {
        if (typeof value === 'string' && !CANONICAL[kind].test(value)) {
          errors.push({
            instancePath: `/${name}`,
            schemaPath: `#/properties/${name}`,
            keyword: 'format',
            message: kind === 'integer' ? 'must be a whole number in plain decimal' : 'must be a plain decimal number',
            params: {},
          });
        }
      }
    }
    if (errors.length > 0) {
      check.errors = errors;
      return false;
    }
    const ok = validate(data);
    check.errors = validate.errors;
    return ok;
  };
  return check;
}

/** The top-level properties of an object schema that hold numbers (or arrays of them). */
function numericFields(schema: unknown): Map<string, keyof typeof CANONICAL> {
  const fields = new Map<string, keyof typeof CANONICAL>();
  const properties = (schema as { properties?: Record<string, { type?: unknown; items?: { type?: unknown } }> })
    ?.properties;
  for (const [name, property] of Object.entries(properties ?? {})) {
    const type = property.type === 'array' ? property.items?.type : property.type;
    if (type === 'integer' || type === 'number') fields.set(name, type);
  }
  return fields;
}

/**
 * Returns a copy of a JSON schema in which every object that does not say otherwise
 * refuses properties it does not declare, so a misspelt field is a 400 and not silently
 * dropped.
 */
export function closeObjects(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closeObjects);
  if (schema === null || typeof schema !== 'object') return schema;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    copy[key] =
      key === 'properties' || key === 'patternProperties' ? mapValues(value, closeObjects) : closeObjects(value);
  }
  if (copy.type === 'object' && copy.properties !== undefined && copy.additionalProperties === undefined) {
    copy.additionalProperties = false;
  }
  return copy;
}

function mapValues(value: unknown, fn: (v: unknown) => unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fn(v)]));
}
