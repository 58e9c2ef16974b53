import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';

/** What is wrong with `value` by `schema`, one `<path> <message>` per error: empty when it matches. */
export function schemaErrors(schema: TSchema, value: unknown): string[] {
  return Compile(schema)
    .Errors(value)
    .map((error) => `${error.instancePath || '/'} ${error.message}`);
}
