import { keysetCursor } from '@shop/platform';

/** The list has one order, newest first by creation time (then id). */
export const emailCursor = keysetCursor({ newest: 'timestamp' });
