// @vitest-environment happy-dom
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Order } from '../../src/api/types';
import { type FakeApi, problem, startFakeApi } from '../fake-api';
import { cartOf, renderStorefront } from './render';

function order(id: number, status: Order['status'] = 'confirmed'): Order {
  const cart = cartOf([{ id: 1, name: 'Smoked Salmon', price: 899, quantity: 2 }]);
  return {
    id,
    user_id: 7,
    status,
    currency: 'EUR',
    items: cart.items,
    total_cents: cart.total_cents,
    created_at: '2025-03-01T10:00:00Z',
    updated_at: '2025-03-01T10:00:00Z',
  };
}

describe('my orders', () => {
  let api: FakeApi;
  beforeEach(async () => {
    api = await startFakeApi({ 'GET /api/cart': () => ({ body: cartOf([]) }) });
  });
  afterEach(async () => {
    cleanup();
    await api.close();
  });

  it('when an order is cancelled, then it asks first, and after "Yes, cancel it" the status is cancelled', async () => {
    let status: Order['status'] = 'confirmed';
    api.routes['GET /api/orders/:id'] = () => ({ body: order(5, status) });
    api.routes['POST /api/orders/:id/cancel'] = () => {
      status = 'cancelled';
      return { body: order(5, status) };
    };
    renderStorefront(api, '/orders/5');
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Cancel order' }));

    const dialog = screen.getByRole('dialog', { name: 'Cancel order #5?' });
    await user.click(within(dialog).getByRole('button', { name: 'Keep the order' }));
    expect(api.sent('POST /api/orders/5/cancel')).toHaveLength(0);

    await user.click(screen.getByRole('button', { name: 'Cancel order' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Yes, cancel it' }));

    await waitFor(() => expect(screen.queryByRole('button', { name: 'Cancel order' })).toBeNull());
    expect(screen.getByText('Cancelled', { selector: '.badge' })).toBeTruthy();
    expect(api.sent('POST /api/orders/5/cancel')).toHaveLength(1);
  });

  it('when the order moved on meanwhile, then the refusal is shown and the order read again', async () => {
    let status: Order['status'] = 'confirmed';
    api.routes['GET /api/orders/:id'] = () => ({ body: order(6, status) });
    api.routes['POST /api/orders/:id/cancel'] = () => {
      status = 'shipped';
      return problem(409, 'Order 6 is shipped; only a confirmed order can be cancelled.');
    };
    renderStorefront(api, '/orders/6');
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Cancel order' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Yes, cancel it' }));

    expect((await screen.findByRole('alert')).textContent).toContain('only a confirmed order can be cancelled');
    await waitFor(() => expect(screen.getByText('Shipped', { selector: '.badge' })).toBeTruthy());
  });

  it('when the order is not the customer’s (404), then the page says it was not found', async () => {
    api.routes['GET /api/orders/:id'] = () => problem(404, 'Order 9 does not exist.');
    renderStorefront(api, '/orders/9');
    expect(await screen.findByRole('heading', { level: 1, name: 'Order not found' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'See my orders' }).getAttribute('href')).toBe('/orders');
  });

  it('when there are more orders than a page, then Load more adds the next with its cursor', async () => {
    api.routes['GET /api/orders'] = (request) =>
      request.query.get('cursor') === 'next'
        ? { body: { items: [order(1, 'delivered')], next_cursor: null } }
        : { body: { items: [order(3), order(2, 'shipped')], next_cursor: 'next' } };
    renderStorefront(api, '/orders');
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Load more' }));

    await screen.findByRole('link', { name: 'Order #1' });
    expect(screen.getAllByRole('link', { name: /^Order #/ }).map((link) => link.textContent)).toEqual([
      'Order #3',
      'Order #2',
      'Order #1',
    ]);
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
  });
});
