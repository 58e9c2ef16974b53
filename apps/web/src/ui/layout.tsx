import type { ReactNode } from 'react';
import { Link, NavLink, useNavigate } from 'react-router';
import { useSession } from '../session/session';
import { CartButton } from '../storefront/cart/cart-button';
import { CartDrawer } from '../storefront/cart/cart-drawer';
import { RouteFocus } from './route-focus';

/** Every page's frame: skip link, header with the shop's navigation and the cart, the page, a footer. */
export function Layout({ children }: { children: ReactNode }) {
  const session = useSession();
  const navigate = useNavigate();
  const signedIn = session.status === 'signed-in';
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div className="site-header-inner">
          <Link to="/" className="brand">
            Shop
          </Link>
          <nav aria-label="Main" className="site-nav">
            <NavLink to="/" end>
              Products
            </NavLink>
            {signedIn && <NavLink to="/orders">My orders</NavLink>}
            {session.isAdmin && <NavLink to="/admin">Admin</NavLink>}
            {signedIn ? (
              <button
                type="button"
                className="link-button"
                onClick={() => void session.signOut().then(() => navigate('/'))}
              >
                Sign out
              </button>
            ) : session.status === 'signed-out' ? (
              <NavLink to="/signin">Sign in</NavLink>
            ) : (
              // While the session is restored, the link's place is kept: the header does not shift.
              <span className="nav-placeholder" aria-hidden="true">
                Sign in
              </span>
            )}
          </nav>
          {signedIn && <CartButton />}
        </div>
      </header>
      <main id="main">
        <RouteFocus />
        {children}
      </main>
      <CartDrawer />
      <footer className="site-footer">Fresh food, drinks and kitchen goods · Prices include VAT</footer>
    </>
  );
}
