import { Link } from 'react-router';
import type { Cart } from '../../api/types';
import { Price } from '../../ui/money';

/** The cart's lines as they will be ordered (read-only) and the total: the drawer and the checkout. */
export function CartSummary({ cart, onNavigate }: { cart: Cart; onNavigate?: () => void }) {
  return (
    <div className="cart-summary">
      <ul className="summary-lines">
        {cart.items.map((item) => (
          <li key={item.product_id} className="summary-line">
            <span className="summary-line-name">
              <Link to={`/products/${item.product_id}`} onClick={onNavigate}>
                {item.name}
              </Link>
              <span className="muted">
                {item.quantity} × <Price cents={item.unit_price_cents} currency={cart.currency} />
              </span>
            </span>
            <Price cents={item.line_total_cents} currency={cart.currency} />
          </li>
        ))}
      </ul>
      <CartTotal cart={cart} />
    </div>
  );
}

export function CartTotal({ cart }: { cart: Cart }) {
  return (
    <p className="cart-total">
      <span>Total</span> <Price cents={cart.total_cents} currency={cart.currency} />
    </p>
  );
}

/** What the cart service changed by itself (a product taken off sale left the cart). */
export function CartNotes({ cart }: { cart: Cart }) {
  if (cart.notes.length === 0) return null;
  return (
    <div className="notice" role="status">
      <ul className="plain-list">
        {cart.notes.map((note) => (
          <li key={`${note.product_id}-${note.message}`}>{note.message}</li>
        ))}
      </ul>
    </div>
  );
}
