import { decodeCursor, encodeCursor } from '@shop/platform';

/** The list runs newest first by id, so the last id seen is the whole position. */
export function encodeEmailCursor(lastId: number): string {
  return encodeCursor({ i: lastId });
}

export function decodeEmailCursor(cursor: string): number {
  return decodeCursor(cursor, (value): value is { i: number } => Number.isSafeInteger(value.i) && Number(value.i) > 0)
    .i;
}
