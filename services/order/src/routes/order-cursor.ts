import { decodeCursor, encodeCursor } from '@shop/platform';
import { invalidInput } from '@shop/platform/errors';
import type { OrderSort } from '../domain/ports.ts';

const FORMAT: Record<OrderSort, RegExp> = {
  date: /^\d{4}-\d{2}-\d{2}[ T][\d:.]+([+-]\d{2}(:?\d{2})?|Z)?$/,
  '-date': /^\d{4}-\d{2}-\d{2}[ T][\d:.]+([+-]\d{2}(:?\d{2})?|Z)?$/,
  total: /^\d{1,10}$/,
  '-total': /^\d{1,10}$/,
};

export function encodeOrderCursor(sort: OrderSort, position: { value: string; id: number }): string {
  return encodeCursor({ s: sort, v: position.value, i: position.id });
}

/** A cursor from another sort, or tampered with, is a 400. */
export function decodeOrderCursor(cursor: string, sort: OrderSort): { value: string; id: number } {
  const body = decodeCursor(cursor, (value): value is { s: string; v: string; i: number } => {
    return typeof value.s === 'string' && typeof value.v === 'string' && Number.isSafeInteger(value.i);
  });
  if (body.s !== sort || !FORMAT[sort].test(body.v) || body.i < 1) {
    throw invalidInput('The cursor is not valid for this list and sort.', {
      errors: [{ field: 'cursor', message: 'is not a cursor this list gave out for this sort' }],
    });
  }
  return { value: body.v, id: body.i };
}
