import { type TSchema, Type } from 'typebox';
import { invalidInput } from '../errors.ts';

/** `?limit=` and `?cursor=` as every list endpoint takes them (API.md "Lists"). */
export const PageQuery = {
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'Items per page, 1-100.' }),
  cursor: Type.Optional(
    Type.String({ maxLength: 512, description: 'Opaque cursor from the previous page’s next_cursor.' }),
  ),
};

export function Page<T extends TSchema>(item: T) {
  return Type.Object({
    items: Type.Array(item),
    next_cursor: Type.Union([Type.String(), Type.Null()]),
  });
}

/** Cursors are opaque to clients: base64url JSON of the last item's sort keys. */
export function encodeCursor(position: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/** Decodes a cursor, checking each key with `check`; a cursor that does not decode is a 400. */
export function decodeCursor<T extends Record<string, unknown>>(
  cursor: string,
  check: (value: Record<string, unknown>) => value is T,
): T {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !check(value as Record<string, unknown>)) {
    throw invalidInput('The cursor is not valid for this list.', {
      errors: [{ field: 'cursor', message: 'is not a cursor this list gave out' }],
    });
  }
  return value as T;
}
