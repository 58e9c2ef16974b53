import { Page } from '@shop/platform';
import { Type } from 'typebox';
import { PRODUCT_SORTS } from '../domain/listing.ts';

export const Problem = Type.Ref('Problem');
export const security = [{ bearer: [] }];

/** The largest id PostgreSQL's integer columns hold. */
export const MAX_ID = 2_147_483_647;
const Id = Type.Integer({ minimum: 1, maximum: MAX_ID });
export const IdParams = Type.Object({ id: Id });

export const Category = Type.Object({ id: Type.Integer(), name: Type.String(), slug: Type.String() });
export const CategoryPage = Page(Category);
export const CategoryBody = Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) });

export const Product = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  description: Type.String(),
  price_cents: Type.Integer({ description: 'Price in minor units (cents)' }),
  currency: Type.String({ examples: ['EUR'] }),
  stock: Type.Integer(),
  category_id: Type.Integer(),
  image_url: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
});
export const ProductPage = Page(Product);
export const ServiceProduct = Type.Object({
  ...Product.properties,
  archived: Type.Boolean({ description: 'Archived products are out of the catalog but still named by past orders.' }),
});

const productFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.String({ maxLength: 5000 }),
  price_cents: Type.Integer({ minimum: 0, maximum: 100_000_000, description: 'Price in minor units, ≥ 0' }),
  stock: Type.Integer({ minimum: 0, maximum: 1_000_000_000 }),
  category_id: Id,
};
export const CreateProductBody = Type.Object(productFields);
export const UpdateProductBody = Type.Object(
  {
    name: Type.Optional(productFields.name),
    description: Type.Optional(productFields.description),
    price_cents: Type.Optional(productFields.price_cents),
    stock: Type.Optional(productFields.stock),
    category_id: Type.Optional(productFields.category_id),
  },
  { minProperties: 1 },
);
export const StockBody = Type.Object({
  delta: Type.Integer({
    minimum: -1_000_000_000,
    maximum: 1_000_000_000,
    description: 'Units to add (negative: remove)',
  }),
});

export const ProductListQuery = Type.Object({
  category: Type.Optional(
    Type.String({
      pattern: '^[0-9]{1,10}(,[0-9]{1,10}){0,49}$',
      description: 'A category id or a comma list of ids (each at most 2147483647)',
    }),
  ),
  min_price_cents: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_147_483_647 })),
  max_price_cents: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_147_483_647 })),
  q: Type.Optional(
    Type.String({ minLength: 1, maxLength: 200, description: 'Full-text search on name and description' }),
  ),
  in_stock: Type.Optional(Type.Boolean({ description: 'true: only products with stock' })),
  sort: Type.Optional(
    Type.Union(
      PRODUCT_SORTS.map((sort) => Type.Literal(sort)),
      { description: 'newest (default), name, -name, price, -price; relevance (default with q) needs q' },
    ),
  ),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  cursor: Type.Optional(Type.String({ maxLength: 512 })),
});

// The pattern too: the uuid format also accepts a `urn:uuid:` prefix, which PostgreSQL does not.
export const ReservationParams = Type.Object({
  id: Type.String({ format: 'uuid', pattern: '^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$' }),
});
