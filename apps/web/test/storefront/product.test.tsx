// @vitest-environment happy-dom
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeApi, problem, startFakeApi } from '../fake-api';
import { product } from '../fixtures';
import { cartOf, renderStorefront } from './render';

describe('the product page', () => {
  let api: FakeApi;
  beforeEach(async () => {
    api = await startFakeApi({
      'GET /api/categories': () => ({ body: { items: [], next_cursor: null } }),
      'GET /api/products/:id': (request) =>
        request.params.id === '4'
          ? { body: product(4, 'Smoked Salmon', { price_cents: 899, stock: 8 }) }
          : problem(404, `Product ${request.params.id} does not exist.`),
    });
  });
  afterEach(async () => {
    cleanup();
    await api.close();
  });

  it('when a quantity is added, then it adds to what the cart holds and the drawer shows the cart', async () => {
    let lines = [{ id: 4, name: 'Smoked Salmon', price: 899, quantity: 2 }];
    api.routes['GET /api/cart'] = () => ({ body: cartOf(lines) });
    api.routes['PUT /api/cart/items/:id'] = (request) => {
      lines = [{ ...lines[0]!, quantity: (request.body as { quantity: number }).quantity }];
      return { body: cartOf(lines) };
    };
    renderStorefront(api, '/products/4');
    const user = userEvent.setup();
    const quantity = await screen.findByRole('spinbutton', { name: 'Quantity' });
    await waitFor(() => expect(api.sent('GET /api/cart')).toHaveLength(1));
    await user.clear(quantity);
    await user.type(quantity, '3');
    await user.click(screen.getByRole('button', { name: 'Add to cart' }));

    const drawer = await screen.findByRole('dialog', { name: 'Your cart' });
    expect(within(drawer).getByText('Added 3 × Smoked Salmon.')).toBeTruthy();
    expect(api.sent('PUT /api/cart/items/4').map((request) => request.body)).toEqual([{ quantity: 5 }]);
    expect(within(drawer).getByRole('link', { name: 'Go to checkout' }).getAttribute('href')).toBe('/checkout');
  });

  it('when the product is unknown or archived, then the page says it is not in the shop', async () => {
    renderStorefront(api, '/products/77', { signedIn: false });
    expect(await screen.findByRole('heading', { level: 1, name: 'Product not found' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'See all products' }).getAttribute('href')).toBe('/');
  });

  it('when the address cannot name a product (0, too large), then the page says so without asking the API', async () => {
    for (const id of ['0', '99999999999']) {
      renderStorefront(api, `/products/${id}`, { signedIn: false });
      expect(await screen.findByRole('heading', { level: 1, name: 'Product not found' })).toBeTruthy();
      cleanup();
    }
    expect(api.requests.filter((request) => request.path.startsWith('/api/products/'))).toEqual([]);
  });
});
