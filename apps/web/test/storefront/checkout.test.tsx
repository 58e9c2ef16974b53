// @vitest-environment happy-dom
import { cleanup, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Order } from '../../src/api/types';
import { type FakeApi, problem, startFakeApi } from '../fake-api';
import { cartOf, renderStorefront } from './render';

const LINES = [
  { id: 1, name: 'Smoked Salmon', price: 899, quantity: 3 },
  { id: 2, name: 'Sourdough Loaf', price: 450, quantity: 1 },
];

function orderFrom(id: number): Order {
  const cart = cartOf(LINES);
  return {
    id,
    user_id: 7,
    status: 'confirmed',
    currency: cart.currency,
    items: cart.items,
    total_cents: cart.total_cents,
    created_at: '2025-03-01T10:00:00Z',
    updated_at: '2025-03-01T10:00:00Z',
  };
}

const keyOf = (request: { headers: Record<string, unknown> }) => request.headers['idempotency-key'];

describe('checkout', () => {
  let api: FakeApi;
  beforeEach(async () => {
    api = await startFakeApi({
      'GET /api/cart': () => ({ body: cartOf(LINES) }),
      'GET /api/orders/:id': (request) => ({ body: orderFrom(Number(request.params.id)) }),
    });
  });
  afterEach(async () => {
    cleanup();
    await api.close();
  });

  it('when Place order is double-clicked, then one order is placed and its page confirms it', async () => {
    // The server answers slowly, as a real checkout does: the second click lands mid-flight.
    api.routes['POST /api/orders'] = () => ({ status: 201, body: orderFrom(41), delayMs: 200 });
    renderStorefront(api, '/checkout');
    const place = await screen.findByRole('button', { name: 'Place order' });

    await userEvent.setup().dblClick(place);

    expect(await screen.findByText('Thank you! Your order is confirmed.')).toBeTruthy();
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Order #41');
    expect(screen.getByTestId('location').textContent).toBe('/orders/41');
    const posts = api.sent('POST /api/orders');
    expect(posts).toHaveLength(1);
    expect(posts[0]?.body).toEqual({ from_cart: true });
    expect(keyOf(posts[0]!)).toMatch(/^[0-9a-f-]{32,36}$/);
  });

  it('when the stock runs short, then the notice names each product and how many are left', async () => {
    api.routes['POST /api/orders'] = () =>
      problem(409, 'Not enough stock for every item; nothing was ordered.', {
        errors: [
          { product_id: 1, requested: 3, available: 2 },
          { product_id: 2, requested: 1, available: 0 },
        ],
      });
    renderStorefront(api, '/checkout');
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Place order' }));

    const notice = await screen.findByRole('alert');
    expect(notice.textContent).toContain('Smoked Salmon: you asked for 3, only 2 left.');
    expect(notice.textContent).toContain('Sourdough Loaf: you asked for 1, none are left.');
    expect(screen.getByTestId('location').textContent).toBe('/checkout');
  });

  it('when placing fails otherwise, then the server’s detail is shown and the button works again', async () => {
    api.routes['POST /api/orders'] = () => problem(503, 'The product service is not answering; nothing was ordered.');
    renderStorefront(api, '/checkout');
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Place order' }));

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The product service is not answering; nothing was ordered.');
    expect((screen.getByRole('button', { name: 'Place order' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('when a try got no answer for good, then the retry sends the same key; after a refusal, a new one', async () => {
    const answers = [
      problem(503, 'The product service is not answering.'),
      problem(409, 'Not enough stock.', { errors: [{ product_id: 1, requested: 3, available: 2 }] }),
      { status: 201, body: orderFrom(42) },
    ];
    api.routes['POST /api/orders'] = () => answers.shift() ?? problem(500, 'unexpected');
    renderStorefront(api, '/checkout');
    const user = userEvent.setup();
    const place = await screen.findByRole('button', { name: 'Place order' });

    await user.click(place);
    await screen.findByText(/The product service is not answering/);
    await user.click(place);
    await screen.findByText(/only 2 left/);
    await user.click(place);
    await screen.findByText('Thank you! Your order is confirmed.');

    const keys = api.sent('POST /api/orders').map(keyOf);
    expect(keys).toHaveLength(3);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[1]);
  });

  it('when the order is placed, then the cart is read again until the ordered products have left it', async () => {
    // The cart service empties the cart when it hears of the order: a moment after the answer.
    let emptied = false;
    let readsOfTheEmptyCart = 0;
    api.routes['GET /api/cart'] = () => {
      if (emptied) readsOfTheEmptyCart++;
      return { body: cartOf(emptied ? [] : LINES) };
    };
    api.routes['POST /api/orders'] = () => {
      setTimeout(() => {
        emptied = true;
      }, 300);
      return { status: 201, body: orderFrom(43) };
    };
    renderStorefront(api, '/checkout');
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Place order' }));
    await screen.findByText('Thank you! Your order is confirmed.');

    await waitFor(() => expect(readsOfTheEmptyCart).toBe(1), { timeout: 3000 });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(readsOfTheEmptyCart).toBe(1);
  });
});
