import { useId, useState } from 'react';
import { Link } from 'react-router';
import { unwrapOrNull } from '../../api/client';
import type { Product } from '../../api/types';
import { useSession } from '../../session/session';
import { Field } from '../../ui/field';
import { useIdParam } from '../../ui/id-param';
import { Price } from '../../ui/money';
import { Page } from '../../ui/page';
import { ErrorState } from '../../ui/states';
import { useCategories } from '../../ui/use-categories';
import { useResource } from '../../ui/use-resource';
import { MAX_QUANTITY } from '../cart/cart-context';
import { useAddToCart } from '../cart/use-add-to-cart';
import { ProductImage } from './product-image';
import { StockBadge } from './stock-badge';

/** One product: picture, description, price, stock, and adding it to the cart. */
export function ProductPage() {
  const { api } = useSession();
  const productId = useIdParam();
  const product = useResource<Product | null>(
    () =>
      productId === null
        ? Promise.resolve(null)
        : unwrapOrNull(api.GET('/api/products/{id}', { params: { path: { id: productId } } })),
    [productId],
  );

  if (product.state === 'failed') {
    return (
      <Page title="Product">
        <ErrorState error={product.error} retry={product.reload} title="This product could not be loaded" />
      </Page>
    );
  }
  if (product.data === undefined || (product.state === 'loading' && product.data?.id !== productId)) {
    return (
      <Page title="Product">
        <ProductDetailPlaceholder />
      </Page>
    );
  }
  if (product.data === null) return <ProductNotFound />;
  return <ProductDetails product={product.data} />;
}

/** The page's shape while it loads, so the product takes its place without moving the page. */
function ProductDetailPlaceholder() {
  return (
    <div className="product-page">
      <p className="visually-hidden" role="status">
        Loading the product…
      </p>
      <div className="breadcrumb" aria-hidden="true">
        {'\u00a0'}
      </div>
      <div className="product-detail" aria-hidden="true">
        <div className="product-image" />
        <div className="stack product-detail-info">
          <span className="placeholder-text placeholder-short product-detail-price" />
          <span className="placeholder-text" />
          <span className="placeholder-text" />
        </div>
      </div>
    </div>
  );
}

function ProductNotFound() {
  return (
    <Page title="Product not found">
      <p>This product is not in the shop (any more).</p>
      <p>
        <Link to="/">See all products</Link>
      </p>
    </Page>
  );
}

function ProductDetails({ product }: { product: Product }) {
  const categories = useCategories('once-per-visit');
  const category = categories.data?.find((candidate) => candidate.id === product.category_id);
  return (
    <Page title={product.name}>
      <div className="product-page">
        <nav aria-label="Breadcrumb" className="breadcrumb">
          <Link to="/">All products</Link>
          {category && (
            <>
              <span aria-hidden="true"> / </span>
              <Link to={`/?category=${category.id}`}>{category.name}</Link>
            </>
          )}
        </nav>
        <div className="product-detail">
          <ProductImage product={product} loading="urgent" />
          <div className="stack product-detail-info">
            <p className="product-detail-price">
              <Price cents={product.price_cents} currency={product.currency} />
              <StockBadge stock={product.stock} />
            </p>
            {product.description && <p className="product-description">{product.description}</p>}
            <AddToCartForm product={product} />
          </div>
        </div>
      </div>
    </Page>
  );
}

function AddToCartForm({ product }: { product: Product }) {
  const { addToCart, busy, failure } = useAddToCart();
  const id = useId();
  const limit = Math.max(1, Math.min(MAX_QUANTITY, product.stock));
  const [quantity, setQuantity] = useState('1');
  const soldOut = product.stock <= 0;
  const wanted = Number(quantity);
  const invalid = !Number.isInteger(wanted) || wanted < 1 || wanted > limit;
  // The allowed range is the hint, and turns into the error while the quantity is outside it.
  const range = soldOut ? 'Sold out for now.' : `1 to ${limit}.`;
  const wrong = invalid && !soldOut;

  const onSubmit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (invalid || soldOut) return;
    await addToCart(product, wanted);
  };

  return (
    <form className="add-to-cart-form" onSubmit={(event) => void onSubmit(event)} noValidate>
      <Field id={`${id}-quantity`} label="Quantity" hint={wrong ? undefined : range} error={wrong ? range : undefined}>
        {(control) => (
          <input
            {...control}
            type="number"
            inputMode="numeric"
            min={1}
            max={limit}
            step={1}
            value={quantity}
            disabled={soldOut}
            onChange={(event) => setQuantity(event.target.value)}
          />
        )}
      </Field>
      <button type="submit" className="button button-primary" disabled={soldOut} aria-disabled={busy || undefined}>
        Add to cart
      </button>
      {failure && (
        <p className="field-error" role="alert">
          {failure}
        </p>
      )}
    </form>
  );
}
