import { useCart } from './cart-context';

/** The header's cart button: how many items, and it opens the cart drawer. */
export function CartButton() {
  const { count, openDrawer } = useCart();
  return (
    <button type="button" className="button cart-button" onClick={openDrawer} aria-haspopup="dialog">
      Cart <span className="badge">{count}</span>
      <span className="visually-hidden">{count === 1 ? 'item' : 'items'}</span>
    </button>
  );
}
