import { decodeCursor, encodeCursor } from '@shop/platform';
import { invalidInput } from '@shop/platform/errors';
import type { ListPosition, ProductSort } from '../domain/listing.ts';

interface CursorBody {
  s: ProductSort;
  v: string;
  i: number;
}

const VALUE_FORMAT: Record<ProductSort, (value: string) => boolean> = {
  newest: (value) => /^\d{4}-\d{2}-\d{2}[ T][\d:.]+([+-]\d{2}(:?\d{2})?|Z)?$/.test(value),
  name: () => true,
  '-name': () => true,
  price: (value) => /^\d{1,10}$/.test(value),
  '-price': (value) => /^\d{1,10}$/.test(value),
  relevance: (value) => /^-?\d+(\.\d+)?(e-?\d+)?$/i.test(value),
};

/** A product list cursor: the sort it belongs to and where the last page ended. */
export function encodeProductCursor(sort: ProductSort, position: ListPosition): string {
  return encodeCursor({ s: sort, v: String(position.value), i: position.id });
}

/** Decodes a cursor for `sort`; one from another sort, or tampered with, is a 400. */
export function decodeProductCursor(cursor: string, sort: ProductSort): ListPosition {
  const body = decodeCursor(cursor, (value): value is CursorBody & Record<string, unknown> => {
    const { s, v, i } = value as Partial<CursorBody>;
    return typeof s === 'string' && typeof v === 'string' && v.length <= 400 && Number.isSafeInteger(i) && (i ?? 0) > 0;
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
