import { keysetCursor } from '@shop/platform';
import type { ProductSort } from '../domain/listing.ts';

/** Each sort's key, as PostgreSQL types it (the rank of a search is a `real`). */
export const productCursor = keysetCursor<ProductSort>({
  newest: 'timestamp',
  name: 'text',
  '-name': 'text',
  price: 'int4',
  '-price': 'int4',
  relevance: 'real',
});
