import type { Product } from '../../api/types';

/** The catalog's images are 400×400: the size is reserved before they load (no layout shift). */
const SIZE = 400;

/**
 * `urgent`: in the first row on every screen, likely the page's largest paint (fetched first);
 * `eager`: in the first screenful; `lazy`: loaded as it scrolls in.
 */
export type ImageLoading = 'urgent' | 'eager' | 'lazy';

/** A product's picture, or a plain tile of the same size when it has none. */
export function ProductImage({ product, loading = 'lazy' }: { product: Product; loading?: ImageLoading }) {
  if (!product.image_url) {
    return (
      <div className="product-image product-image-missing" role="img" aria-label={`${product.name}: no picture yet`}>
        <span aria-hidden="true">No picture</span>
      </div>
    );
  }
  return (
    <img
      className="product-image"
      src={product.image_url}
      alt={product.name}
      width={SIZE}
      height={SIZE}
      loading={loading === 'lazy' ? 'lazy' : 'eager'}
      decoding="async"
      fetchPriority={loading === 'urgent' ? 'high' : undefined}
    />
  );
}
