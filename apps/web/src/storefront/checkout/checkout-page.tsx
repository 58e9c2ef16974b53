import { useState } from 'react';
import { Link } from 'react-router';
import { describeError } from '../../api/problem';
import type { Cart } from '../../api/types';
import { Page } from '../../ui/page';
import { useCart } from '../cart/cart-context';
import { CartSummary } from '../cart/cart-summary';
import { FreshCart } from '../cart/fresh-cart';
import { type Shortage, stockShortages } from './shortages';
import { usePlaceOrder } from './use-place-order';

/** Review the cart and place it as an order. */
export function CheckoutPage() {
  const { place, placing, failure, dismissFailure } = usePlaceOrder();

  return (
    <Page title="Checkout">
      <div className="page-body">
        <FreshCart
          empty={
            <>
              <p>Your cart is empty: there is nothing to order yet.</p>
              <p>
                <Link to="/">Browse the products</Link>
              </p>
            </>
          }
        >
          {(cart) => (
            <div className="checkout stack">
              <section className="card" aria-labelledby="checkout-review">
                <h2 id="checkout-review" className="checkout-heading">
                  Your order
                </h2>
                <CartSummary cart={cart} />
                <p>
                  <Link to="/cart">Change the cart</Link>
                </p>
              </section>
              {failure !== null && <PlaceOrderFailure failure={failure} cart={cart} onCartChanged={dismissFailure} />}
              <div className="row">
                <button
                  type="button"
                  className="button button-primary checkout-place"
                  onClick={() => void place()}
                  disabled={placing}
                >
                  Place order
                </button>
                {placing && (
                  <span className="muted" role="status">
                    Placing your order…
                  </span>
                )}
              </div>
              <p className="muted">Prices include VAT. You can cancel the order until it ships.</p>
            </div>
          )}
        </FreshCart>
      </div>
    </Page>
  );
}

function PlaceOrderFailure({ failure, cart, onCartChanged }: { failure: unknown; cart: Cart; onCartChanged(): void }) {
  const shortages = stockShortages(failure);
  if (shortages.length === 0) {
    return (
      <div className="notice notice-error" role="alert">
        <p>
          <strong>The order was not placed.</strong> {describeError(failure)}
        </p>
      </div>
    );
  }
  return <StockNotice shortages={shortages} cart={cart} onCartChanged={onCartChanged} />;
}

/** Which products ran short and how many are left, with a way to order what there is. */
function StockNotice({ shortages, cart, onCartChanged }: { shortages: Shortage[]; cart: Cart; onCartChanged(): void }) {
  const { setQuantity, remove } = useCart();
  const [fixing, setFixing] = useState(false);
  const [fixFailure, setFixFailure] = useState<unknown>(null);
  const nameOf = (productId: number) =>
    cart.items.find((item) => item.product_id === productId)?.name ?? `Product ${productId}`;

  const takeWhatIsLeft = async () => {
    setFixing(true);
    setFixFailure(null);
    try {
      for (const shortage of shortages) {
        if (shortage.available > 0) await setQuantity(shortage.productId, shortage.available);
        else await remove(shortage.productId);
      }
      onCartChanged();
    } catch (error) {
      setFixFailure(error);
      setFixing(false);
    }
  };

  return (
    <div className="notice notice-error" role="alert">
      <p>
        <strong>Not enough stock: nothing was ordered.</strong>
      </p>
      <ul>
        {shortages.map((shortage) => (
          <li key={shortage.productId}>
            {nameOf(shortage.productId)}: you asked for {shortage.requested},{' '}
            {shortage.available === 0 ? 'none are left' : `only ${shortage.available} left`}.
          </li>
        ))}
      </ul>
      <div className="row">
        <button type="button" className="button" onClick={() => void takeWhatIsLeft()} disabled={fixing}>
          Change my cart to what is left
        </button>
      </div>
      {fixFailure !== null && <p>{describeError(fixFailure)}</p>}
    </div>
  );
}
