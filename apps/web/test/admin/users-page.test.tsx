// @vitest-environment happy-dom
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { problem, startFakeApi } from '../fake-api';
import { renderAdmin } from './render-admin';

const NOW = '2025-01-01T10:00:00.000Z';
const ME = { id: 1, email: 'admin@example.com', name: 'Ada Admin', role: 'admin', is_active: true, created_at: NOW };
const BOB = { id: 2, email: 'bob@example.com', name: 'Bob', role: 'admin', is_active: true, created_at: NOW };

let api: Awaited<ReturnType<typeof startFakeApi>>;

beforeEach(async () => {
  // Signed in as ME: the session restores itself from a kept refresh token, as after a reload.
  localStorage.setItem('shop.refresh-token', 'refresh-1');
  api = await startFakeApi({
    'POST /api/auth/token': () => ({
      body: { access_token: 'access-1', token_type: 'Bearer', expires_in: 900, scope: '', refresh_token: 'refresh-2' },
    }),
    'GET /api/account/me': () => ({ body: ME }),
    'GET /api/account/users': () => ({ body: { items: [ME, BOB], next_cursor: null } }),
    'PATCH /api/account/users/:id': () => problem(409, 'This is the last active admin; make another admin first.'),
  });
});

afterEach(async () => {
  cleanup();
  localStorage.clear();
  await api.close();
});

describe('admin users page', () => {
  it('when the list shows the signed-in admin, then their role and activation are locked with "That is you"', async () => {
    renderAdmin('/admin/users', api.url);
    const myRole = await screen.findByRole('combobox', { name: 'Role of admin@example.com' });
    await waitFor(() => expect((myRole as HTMLSelectElement).disabled).toBe(true));
    const myButton = screen.getByRole('button', { name: 'Deactivate admin@example.com' });
    expect((myButton as HTMLButtonElement).disabled).toBe(true);
    const myRow = myRole.closest('tr') as HTMLElement;
    expect(within(myRow).getByText('That is you')).toBeTruthy();

    const bobRow = screen.getByRole('combobox', { name: 'Role of bob@example.com' }).closest('tr') as HTMLElement;
    expect((within(bobRow).getByRole('combobox') as HTMLSelectElement).disabled).toBe(false);
    expect(
      (within(bobRow).getByRole('button', { name: 'Deactivate bob@example.com' }) as HTMLButtonElement).disabled,
    ).toBe(false);
    expect(within(bobRow).queryByText('That is you')).toBeNull();
  });

  it('when the API refuses to remove the last admin, then its reason shows under that row and the role stays', async () => {
    const user = userEvent.setup();
    renderAdmin('/admin/users', api.url);
    const bobRole = (await screen.findByRole('combobox', { name: 'Role of bob@example.com' })) as HTMLSelectElement;

    await user.selectOptions(bobRole, 'customer');

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('This is the last active admin; make another admin first.');
    expect(alert.closest('tr')?.previousElementSibling).toBe(bobRole.closest('tr'));
    expect(bobRole.value).toBe('admin');
    expect(api.sent('PATCH /api/account/users/2').map((call) => call.body)).toEqual([{ role: 'customer' }]);
  });
});
