import { Link } from 'react-router';
import { ErrorState, Loading } from '../../ui/states';
import { useModal } from '../../ui/use-modal';
import { type Added, MAX_QUANTITY, useCart } from './cart-context';
import { CartNotes, CartSummary } from './cart-summary';

/** The cart at a glance, over any page (a modal dialog: focus kept inside, Escape closes it). */
export function CartDrawer() {
  const { drawerOpen, closeDrawer, cart, status, error, refresh, added } = useCart();
  const dialog = useModal(drawerOpen);
  const empty = cart !== null && cart.items.length === 0;
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: the keyboard closes it with Escape (the dialog's own) or Close.
    <dialog
      ref={dialog}
      className="drawer"
      aria-labelledby="cart-drawer-title"
      onClose={closeDrawer}
      // A click on the backdrop lands on the dialog itself (its content fills it): it closes.
      onClick={(event) => event.target === event.currentTarget && closeDrawer()}
    >
      {drawerOpen && (
        <div className="drawer-body">
          <div className="drawer-header">
            <h2 id="cart-drawer-title" className="drawer-title">
              Your cart
            </h2>
            <button type="button" className="button" onClick={closeDrawer}>
              Close
            </button>
          </div>
          {added && <AddedNotice added={added} />}
          {cart === null && status === 'loading' && <Loading label="Loading your cart…" />}
          {status === 'failed' && (
            <ErrorState
              error={error}
              retry={() => void refresh().catch(() => undefined)}
              title="The cart could not be loaded"
            />
          )}
          {cart && <CartNotes cart={cart} />}
          {empty && <p className="state state-empty">Your cart is empty.</p>}
          {cart && !empty && <CartSummary cart={cart} onNavigate={closeDrawer} />}
          <div className="drawer-actions">
            {cart && !empty && (
              <Link className="button button-primary" to="/checkout" onClick={closeDrawer}>
                Go to checkout
              </Link>
            )}
            <Link className="button" to="/cart" onClick={closeDrawer}>
              View cart
            </Link>
          </div>
        </div>
      )}
    </dialog>
  );
}

function AddedNotice({ added }: { added: Added }) {
  return (
    <p className="notice" role="status">
      {added.quantity > 0 ? `Added ${added.quantity} × ${added.name}.` : `${added.name} is in your cart.`}
      {added.capped && ` A cart holds at most ${MAX_QUANTITY} of one product.`}
    </p>
  );
}
