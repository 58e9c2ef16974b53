import type { Auth, Logger } from '@shop/platform';
import type { CatalogDeps } from './domain/catalog.ts';
import type { ImageDeps } from './domain/images.ts';
import type { InventoryDeps } from './domain/inventory.ts';

/** Everything the routes hand to the use cases, built once in app.ts. */
export interface ProductContext {
  catalog: CatalogDeps;
  images: ImageDeps;
  inventory: InventoryDeps;
  auth: Auth;
  currency: string;
  logger: Logger;
}
