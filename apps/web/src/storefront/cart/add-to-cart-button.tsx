import { useAddToCart } from './use-add-to-cart';

/** The button on a product card: adds one; says why when it could not. */
export function AddToCartButton({ product }: { product: { id: number; name: string; stock: number } }) {
  const { addToCart, busy, failure } = useAddToCart();
  const soldOut = product.stock <= 0;
  return (
    <>
      <button
        type="button"
        className="button button-primary add-to-cart"
        onClick={() => void addToCart(product, 1)}
        disabled={soldOut}
        // Still focusable while busy: the drawer hands the focus back here when it closes.
        aria-disabled={busy || undefined}
      >
        Add to cart
      </button>
      {failure && (
        <p className="field-error" role="alert">
          {failure}
        </p>
      )}
    </>
  );
}
