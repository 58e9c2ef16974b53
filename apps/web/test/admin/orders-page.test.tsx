// @vitest-environment happy-dom
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AdminOrder } from '../../src/api/types';
import { type FakeApi, problem, startFakeApi } from '../fake-api';
import { renderAdmin } from './render-admin';

function order(id: number, status: AdminOrder['status']): AdminOrder {
  return {
    id,
    user_id: 9,
    status,
    currency: 'EUR',
    items: [{ product_id: 1, name: 'Rye Bread', quantity: 2, unit_price_cents: 250, line_total_cents: 500 }],
    total_cents: 500,
    created_at: '2025-03-01T10:00:00Z',
    updated_at: '2025-03-01T10:00:00Z',
  };
}

let api: FakeApi;
beforeEach(async () => {
  api = await startFakeApi({
    'GET /api/admin/orders': () => ({
      body: { items: [order(5, 'confirmed'), order(4, 'confirmed')], next_cursor: null },
    }),
    'PATCH /api/admin/orders/:id': (request) => ({ body: order(Number(request.params.id), 'shipped') }),
    'POST /api/orders/:id/cancel': () => problem(409, 'Order 4 has shipped meanwhile.'),
  });
});
afterEach(async () => {
  cleanup();
  await api.close();
});

/** The table row of an order, found by its row header "#id". */
const rowOf = (id: number) => screen.getByRole('rowheader', { name: `#${id}` }).closest('tr') as HTMLElement;

describe('admin orders page', () => {
  it('when an order is marked shipped, then its row shows the new status and says so right under it', async () => {
    renderAdmin('/admin/orders', api.url);
    const user = userEvent.setup();
    await screen.findByRole('rowheader', { name: '#5' });
    await user.click(within(rowOf(5)).getByRole('button', { name: 'Mark shipped' }));

    const said = await screen.findByRole('status');
    expect(said.textContent).toBe('Order #5 is now shipped.');
    expect(said.closest('tr')?.previousElementSibling).toBe(rowOf(5));
    expect(within(rowOf(5)).getByRole('button', { name: 'Mark delivered' })).toBeTruthy();
    expect(api.sent('PATCH /api/admin/orders/5').map((request) => request.body)).toEqual([{ status: 'shipped' }]);
  });

  it('when a cancel is refused, then the reason shows in the dialog, which stays open, and the row is unchanged', async () => {
    renderAdmin('/admin/orders', api.url);
    const user = userEvent.setup();
    await screen.findByRole('rowheader', { name: '#4' });
    await user.click(within(rowOf(4)).getByRole('button', { name: 'Cancel' }));
    const dialog = screen.getByRole('dialog', { name: 'Cancel order #4?' });
    await user.click(within(dialog).getByRole('button', { name: 'Yes, cancel it' }));

    await waitFor(() => expect(within(dialog).getByRole('alert').textContent).toBe('Order 4 has shipped meanwhile.'));
    expect((dialog as HTMLDialogElement).open).toBe(true);
    expect(within(rowOf(4)).getByText('Confirmed')).toBeTruthy();
  });
});
