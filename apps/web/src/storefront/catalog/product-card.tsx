import { Link } from 'react-router';
import type { Product } from '../../api/types';
import { Price } from '../../ui/money';
import { AddToCartButton } from '../cart/add-to-cart-button';
import { type ImageLoading, ProductImage } from '../product/product-image';
import { StockBadge } from '../product/stock-badge';

/** A product in the grid: labelled by its name, whose link covers the card (the button stays on top). */
export function ProductCard({ product, loading }: { product: Product; loading: ImageLoading }) {
  const nameId = `product-${product.id}-name`;
  return (
    <article className="card product-card" aria-labelledby={nameId}>
      <ProductImage product={product} loading={loading} />
      <h2 id={nameId} className="product-card-name">
        <Link to={`/products/${product.id}`} className="product-card-link">
          {product.name}
        </Link>
      </h2>
      <div className="product-card-meta">
        <Price cents={product.price_cents} currency={product.currency} />
        <StockBadge stock={product.stock} />
      </div>
      <AddToCartButton product={product} />
    </article>
  );
}

/** A card's shape while the page loads, so the products take its place without moving anything. */
export function ProductCardPlaceholder() {
  return (
    <div className="card product-card product-card-placeholder" aria-hidden="true">
      <div className="product-image" />
      <div className="product-card-name">
        <span className="placeholder-text" />
      </div>
      <div className="product-card-meta">
        <span className="placeholder-text placeholder-short" />
      </div>
      <div className="button add-to-cart placeholder-button" />
    </div>
  );
}
