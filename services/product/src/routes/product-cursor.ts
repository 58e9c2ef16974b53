import { decodeCursor, encodeCursor } from '@shop/platform';
import { invalidInput } from '@shop/platform/errors';
import type { ListPosition, ProductSort } from '../domain/listing.ts';

interface CursorBody {
  s: ProductSort;
  v: string;
  i: number;
}

/** Cursor values are cast back to SQL types: anything out of their range would fail there. */
const INT_MAX = 2_147_483_647;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(Z|[+-](\d{2})(:?(\d{2}))?)?$/;

const isPrice = (value: string) => /^\d{1,10}$/.test(value) && Number(value) <= INT_MAX;

function isTimestamp(value: string): boolean {
  const match = TIMESTAMP.exec(value);
  if (!match) return false;
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = match.slice(1, 7).map(Number);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  const offsetOk = Number(match[9] ?? 0) <= 15 && Number(match[11] ?? 0) <= 59;
  return year >= 1 && day >= 1 && day <= days && hour <= 23 && minute <= 59 && second <= 59 && offsetOk;
}

function isRank(value: string): boolean {
  if (!/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(value)) return false;
  const rank = Math.abs(Number(value));
  return rank === 0 || (rank >= 1e-37 && rank <= 3e38); // inside PostgreSQL's real
}

const VALUE_FORMAT: Record<ProductSort, (value: string) => boolean> = {
  newest: isTimestamp,
  name: () => true,
  '-name': () => true,
  price: isPrice,
  '-price': isPrice,
  relevance: isRank,
};

/** A product list cursor: the sort it belongs to and where the last page ended. */
export function encodeProductCursor(sort: ProductSort, position: ListPosition): string {
  return encodeCursor({ s: sort, v: String(position.value), i: position.id });
}

/** Decodes a cursor for `sort`; one from another sort, or tampered with, is a 400. */
export function decodeProductCursor(cursor: string, sort: ProductSort): ListPosition {
  const body = decodeCursor(cursor, (value): value is CursorBody & Record<string, unknown> => {
    const { s, v, i } = value as Partial<CursorBody>;
    return (
      typeof s === 'string' &&
      typeof v === 'string' &&
      v.length <= 400 &&
      Number.isSafeInteger(i) &&
      (i ?? 0) > 0 &&
      (i ?? 0) <= INT_MAX
    );
  });
  if (body.s !== sort) {
    throw invalidInput(`This cursor belongs to sort=${body.s}; keep the sort while paging.`, {
      errors: [{ field: 'cursor', message: 'belongs to another sort' }],
    });
  }
  if (!VALUE_FORMAT[sort](body.v)) {
    throw invalidInput('The cursor is not valid for this list.', {
      errors: [{ field: 'cursor', message: 'is not a cursor this list gave out' }],
    });
  }
  return { value: body.v, id: body.i };
}
