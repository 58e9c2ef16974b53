import { render } from '@testing-library/react';
import { MemoryRouter, Routes, useLocation } from 'react-router';
import type { Cart } from '../../src/api/types';
import { SessionProvider } from '../../src/session/session';
import { CartProvider } from '../../src/storefront/cart/cart-context';
import { CartDrawer } from '../../src/storefront/cart/cart-drawer';
import { storefrontRoutes } from '../../src/storefront/routes';
import type { FakeApi } from '../fake-api';

/**
 * The storefront's pages at `path`, on the fake API, as the app puts them together (session,
 * cart, router, drawer). Signed in means a stored refresh token, which the session renews at start.
 */
export function renderStorefront(api: FakeApi, path: string, { signedIn = true } = {}) {
  localStorage.clear();
  if (signedIn) localStorage.setItem('shop.refresh-token', 'refresh');
  return render(
    <SessionProvider baseUrl={api.url}>
      <CartProvider>
        <MemoryRouter initialEntries={[path]}>
          <Routes>{storefrontRoutes()}</Routes>
          <CartDrawer />
          <CurrentLocation />
        </MemoryRouter>
      </CartProvider>
    </SessionProvider>,
  );
}

/** Where the router is now, for tests to read: `location()`. */
function CurrentLocation() {
  const location = useLocation();
  return <output data-testid="location">{location.pathname + location.search}</output>;
}

export function cartOf(lines: Array<{ id: number; name: string; price: number; quantity: number }>): Cart {
  const items = lines.map((line) => ({
    product_id: line.id,
    name: line.name,
    quantity: line.quantity,
    unit_price_cents: line.price,
    line_total_cents: line.price * line.quantity,
  }));
  return {
    currency: 'EUR',
    items,
    notes: [],
    total_cents: items.reduce((sum, item) => sum + item.line_total_cents, 0),
  };
}
