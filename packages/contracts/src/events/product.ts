import { type Static, Type } from 'typebox';

const Id = Type.Integer({ minimum: 1 });
const fields = {
  name: Type.String(),
  description: Type.String(),
  price_cents: Type.Integer({ minimum: 0, description: 'Minor units' }),
  stock: Type.Integer({ minimum: 0 }),
  category_id: Id,
};

/** `product.created`: a product joined the catalog, with every field an admin sets. */
export const ProductCreated = Type.Object({ product_id: Id, ...fields });
export type ProductCreated = Static<typeof ProductCreated>;

/**
 * `product.updated`: the fields that changed and nothing else (an admin's edit, a stock
 * adjustment, a new image's `image_etag`).
 */
export const ProductUpdated = Type.Object({
  product_id: Id,
  name: Type.Optional(fields.name),
  description: Type.Optional(fields.description),
  price_cents: Type.Optional(fields.price_cents),
  stock: Type.Optional(fields.stock),
  category_id: Type.Optional(fields.category_id),
  image_etag: Type.Optional(Type.String()),
});
export type ProductUpdated = Static<typeof ProductUpdated>;

/** `product.deleted`: the product left the catalog (archived: past orders still name it). */
export const ProductDeleted = Type.Object({ product_id: Id });
export type ProductDeleted = Static<typeof ProductDeleted>;
