import { type TSchema, Type } from 'typebox';
import { invalidInput } from '../errors.ts';

/** `?limit=` and `?cursor=` as every list endpoint takes them (README "Conventions"). */
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
function encodeCursor(position: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/** Decodes a cursor, checking each key with `check`; a cursor that does not decode is a 400. */
function decodeCursor<T extends Record<string, unknown>>(
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

/**
 * The SQL type of a list's sort key. A cursor carries the key as text and the store casts
 * it back in SQL, so every value is checked here against its type's range first: a forged
 * cursor is a 400, never a failed cast (a 500).
 */
export type SortKeyType = 'timestamp' | 'int4' | 'int8' | 'real' | 'text';

/** Where a keyset-paginated page ended: the last row's sort key (as text) and id. */
export interface KeysetPosition {
  value: string;
  id: number;
}

const INT4 = { min: -2_147_483_648n, max: 2_147_483_647n };
const INT8 = { min: -9_223_372_036_854_775_808n, max: 9_223_372_036_854_775_807n };
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(Z|[+-](\d{2})(:?(\d{2}))?)?$/;

const SORT_KEY_CHECKS: Record<SortKeyType, (value: string) => boolean> = {
  timestamp: isTimestamp,
  int4: (value) => isIntegerIn(value, INT4),
  int8: (value) => isIntegerIn(value, INT8),
  real: isReal,
  text: (value) => value.length <= 400 && !value.includes('\u0000'),
};

function isIntegerIn(value: string, range: { min: bigint; max: bigint }): boolean {
  if (!/^-?\d{1,19}$/.test(value)) return false;
  const number = BigInt(value);
  return number >= range.min && number <= range.max;
}

/** PostgreSQL's timestamptz text, or RFC 3339: a real calendar date in years 1-9999. */
function isTimestamp(value: string): boolean {
  const match = TIMESTAMP.exec(value);
  if (!match) return false;
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = match.slice(1, 7).map(Number);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  const offsetOk = Number(match[9] ?? 0) <= 15 && Number(match[11] ?? 0) <= 59;
  return year >= 1 && day >= 1 && day <= days && hour <= 23 && minute <= 59 && second <= 59 && offsetOk;
}

/** Inside PostgreSQL's `real`: zero, or a magnitude between about 1e-37 and 3e38. */
function isReal(value: string): boolean {
  if (!/^-?\d{1,40}(\.\d{1,40})?(e[+-]?\d{1,3})?$/i.test(value)) return false;
  const magnitude = Math.abs(Number(value));
  return magnitude === 0 || (magnitude >= 1e-37 && magnitude <= 3e38);
}

const ID_MAX = 2_147_483_647;

/**
 * The cursor of a list paged by (sort key, id), for each of its sorts: what the key's SQL
 * type is. The one place a list cursor is decoded and range-checked: a cursor from another
 * sort, or one whose value or id is out of range, is a 400.
 */
export function keysetCursor<S extends string>(keyTypes: Readonly<Record<S, SortKeyType>>) {
  const isBody = (value: Record<string, unknown>): value is { s: string; v: string; i: number } =>
    typeof value.s === 'string' &&
    typeof value.v === 'string' &&
    Number.isSafeInteger(value.i) &&
    (value.i as number) >= 1 &&
    (value.i as number) <= ID_MAX;
  return {
    encode(sort: S, position: KeysetPosition): string {
      return encodeCursor({ s: sort, v: position.value, i: position.id });
    },
    decode(cursor: string, sort: S): KeysetPosition {
      const body = decodeCursor(cursor, isBody);
      if (body.s !== sort) {
        throw invalidInput(`This cursor belongs to sort=${body.s.slice(0, 20)}; keep the sort while paging.`, {
          errors: [{ field: 'cursor', message: 'belongs to another sort' }],
        });
      }
      if (!SORT_KEY_CHECKS[keyTypes[sort]](body.v)) {
        throw invalidInput('The cursor is not valid for this list.', {
          errors: [{ field: 'cursor', message: 'is not a cursor this list gave out' }],
        });
      }
      return { value: body.v, id: body.i };
    },
  };
}

/** The cursor of a list paged by id alone: the last id seen, checked to be a positive int4. */
export const idCursor = {
  encode(lastId: number): string {
    return encodeCursor({ after: lastId });
  },
  decode(cursor: string): number {
    return decodeCursor(
      cursor,
      (value): value is { after: number } =>
        Number.isSafeInteger(value.after) && (value.after as number) >= 1 && (value.after as number) <= ID_MAX,
    ).after;
  },
};
