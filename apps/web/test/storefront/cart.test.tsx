// @vitest-environment happy-dom
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Cart } from '../../src/api/types';
import { type FakeApi, problem, startFakeApi } from '../fake-api';
import { cartOf, renderStorefront } from './render';

/** A cart service in memory: PUT sets a quantity, DELETE drops a line, GET reads it. */
function cartService(initial: Array<{ id: number; name: string; price: number; quantity: number }>) {
  let lines = [...initial];
  return {
    read: (): Cart => cartOf(lines),
    routes: {
      'GET /api/cart': () => ({ body: cartOf(lines) }),
      'PUT /api/cart/items/:id': (request: { params: Record<string, string>; body: unknown }) => {
        const { quantity } = request.body as { quantity: number };
        lines = lines.map((line) => (line.id === Number(request.params.id) ? { ...line, quantity } : line));
        return { body: cartOf(lines) };
      },
      'DELETE /api/cart/items/:id': (request: { params: Record<string, string> }) => {
        lines = lines.filter((line) => line.id !== Number(request.params.id));
        return { body: cartOf(lines) };
      },
    },
  };
}

const SALMON = { id: 1, name: 'Smoked Salmon', price: 899, quantity: 1 };
const BREAD = { id: 2, name: 'Sourdough Loaf', price: 450, quantity: 2 };

describe('the cart page', () => {
  let api: FakeApi;
  beforeEach(async () => {
    api = await startFakeApi({});
  });
  afterEach(async () => {
    cleanup();
    await api.close();
  });

  it('when a quantity is typed, then the cart service gets it once typing pauses and the total follows', async () => {
    Object.assign(api.routes, cartService([SALMON, BREAD]).routes);
    renderStorefront(api, '/cart');
    const quantity = await screen.findByRole('spinbutton', { name: 'Quantity of Sourdough Loaf' });
    expect(totalText()).toMatch(/17[.,]99/);

    const user = userEvent.setup();
    await user.clear(quantity);
    await user.type(quantity, '12');

    await waitFor(() => expect(totalText()).toMatch(/62[.,]99/));
    const puts = api.sent('PUT /api/cart/items/2');
    expect(puts.map((request) => request.body)).toEqual([{ quantity: 12 }]);
  });

  it('when a line is removed, then it leaves the cart and the total drops', async () => {
    Object.assign(api.routes, cartService([SALMON, BREAD]).routes);
    renderStorefront(api, '/cart');
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Remove Smoked Salmon' }));

    await waitFor(() => expect(screen.queryByRole('spinbutton', { name: 'Quantity of Smoked Salmon' })).toBeNull());
    expect(screen.getByRole('spinbutton', { name: 'Quantity of Sourdough Loaf' })).toBeTruthy();
    expect(totalText()).toMatch(/9[.,]00/);
    expect(api.sent('DELETE /api/cart/items/1')).toHaveLength(1);
  });

  it('when a line is removed while its new quantity waits to be saved, then it stays removed', async () => {
    const service = cartService([SALMON, BREAD]);
    Object.assign(api.routes, service.routes, {
      'DELETE /api/cart/items/:id': (request: { params: Record<string, string> }) => ({
        ...service.routes['DELETE /api/cart/items/:id'](request),
        delayMs: 800,
      }),
    });
    renderStorefront(api, '/cart');
    const user = userEvent.setup();
    await user.type(await screen.findByRole('spinbutton', { name: 'Quantity of Smoked Salmon' }), '5');
    await user.click(screen.getByRole('button', { name: 'Remove Smoked Salmon' }));

    await waitFor(() => expect(screen.queryByRole('spinbutton', { name: 'Quantity of Smoked Salmon' })).toBeNull());
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(api.sent('PUT /api/cart/items/1')).toEqual([]);
    expect(service.read().items.map((item) => item.name)).toEqual(['Sourdough Loaf']);
    expect(screen.queryByRole('spinbutton', { name: 'Quantity of Smoked Salmon' })).toBeNull();
  });

  it('when the cart is empty, then the page says so and offers the products instead of a checkout', async () => {
    Object.assign(api.routes, cartService([]).routes);
    renderStorefront(api, '/cart');
    expect(await screen.findByText('Your cart is empty.')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Browse the products' }).getAttribute('href')).toBe('/');
    expect(screen.queryByRole('link', { name: 'Go to checkout' })).toBeNull();
  });

  it('when the cart cannot be loaded, then the server’s words show with a retry that works', async () => {
    const service = cartService([SALMON]);
    Object.assign(api.routes, service.routes, {
      'GET /api/cart': () => problem(503, 'The cart service is not answering.'),
    });
    renderStorefront(api, '/cart');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The cart service is not answering.');

    api.routes['GET /api/cart'] = () => ({ body: service.read() });
    await userEvent.setup().click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('spinbutton', { name: 'Quantity of Smoked Salmon' })).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('when a change is refused, then the line says why and keeps the quantity the server has', async () => {
    Object.assign(api.routes, cartService([SALMON]).routes, {
      'PUT /api/cart/items/:id': () => problem(422, 'Quantities are 1 to 99.'),
    });
    renderStorefront(api, '/cart');
    const quantity = await screen.findByRole('spinbutton', { name: 'Quantity of Smoked Salmon' });
    const user = userEvent.setup();
    await user.clear(quantity);
    await user.type(quantity, '5');

    expect((await screen.findByRole('alert')).textContent).toContain('Quantities are 1 to 99.');
    expect((quantity as HTMLInputElement).value).toBe('1');
  });

  it('when a product dropped out of the cart, then the note the API sent is shown', async () => {
    api.routes['GET /api/cart'] = () => ({
      body: {
        ...cartOf([SALMON]),
        notes: [{ product_id: 9, message: 'Caviar is no longer sold and left your cart.' }],
      },
    });
    renderStorefront(api, '/cart');
    expect(await screen.findByText('Caviar is no longer sold and left your cart.')).toBeTruthy();
  });
});

function totalText(): string {
  return document.querySelector('.cart-total')?.textContent ?? '';
}
