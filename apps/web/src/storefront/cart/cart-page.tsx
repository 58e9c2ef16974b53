import { useState } from 'react';
import { Link } from 'react-router';
import { focusPageHeading } from '../../ui/focus';
import { Page } from '../../ui/page';
import { CartLine } from './cart-line';
import { CartTotal } from './cart-summary';
import { FreshCart } from './fresh-cart';

/** The cart: change quantities, remove lines, see the total, go to checkout. */
export function CartPage() {
  const [removed, setRemoved] = useState<string | null>(null);

  return (
    <Page title="Cart">
      <div className="page-body">
        {removed && (
          <p className="visually-hidden" role="status">
            {removed} was removed from your cart.
          </p>
        )}
        <FreshCart
          empty={
            <>
              <p>Your cart is empty.</p>
              <p>
                <Link to="/">Browse the products</Link>
              </p>
            </>
          }
        >
          {(cart) => (
            <div className="stack">
              <ul className="cart-lines">
                {cart.items.map((item) => (
                  <CartLine
                    key={item.product_id}
                    item={item}
                    currency={cart.currency}
                    onRemoved={() => {
                      setRemoved(item.name);
                      focusPageHeading();
                    }}
                  />
                ))}
              </ul>
              <div className="cart-footer">
                <CartTotal cart={cart} />
                <div className="row">
                  <Link className="button" to="/">
                    Continue shopping
                  </Link>
                  <Link className="button button-primary" to="/checkout">
                    Go to checkout
                  </Link>
                </div>
              </div>
            </div>
          )}
        </FreshCart>
      </div>
    </Page>
  );
}
