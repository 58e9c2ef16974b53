// @vitest-environment happy-dom
import { cleanup, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeApi, problem, startFakeApi } from '../fake-api';
import { cartOf, renderStorefront } from './render';

const TOKENS = { access_token: 'access', expires_in: 900, refresh_token: 'refresh', scope: '', token_type: 'Bearer' };

describe('signing in and up', () => {
  let api: FakeApi;
  beforeEach(async () => {
    api = await startFakeApi({ 'GET /api/cart': () => ({ body: cartOf([]) }) });
  });
  afterEach(async () => {
    cleanup();
    await api.close();
  });

  const location = () => screen.getByTestId('location').textContent;

  it('when signing in works, then the customer goes where ?next= said', async () => {
    api.routes['POST /api/auth/login'] = () => ({ body: TOKENS });
    renderStorefront(api, `/signin?next=${encodeURIComponent('/cart')}`, { signedIn: false });
    const user = userEvent.setup();
    const email = await screen.findByLabelText('E-mail');
    const password = screen.getByLabelText('Password');
    expect([email.getAttribute('autocomplete'), password.getAttribute('autocomplete')]).toEqual([
      'username',
      'current-password',
    ]);
    await user.type(email, 'ada@example.com');
    await user.type(password, 'correct-horse');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    await waitFor(() => expect(location()).toBe('/cart'));
    expect(api.sent('POST /api/auth/login')[0]?.body).toEqual({ email: 'ada@example.com', password: 'correct-horse' });
  });

  it('when ?next= points off the site, then the customer lands on the catalog instead', async () => {
    api.routes['POST /api/auth/login'] = () => ({ body: TOKENS });
    api.routes['GET /api/products'] = () => ({ body: { items: [], next_cursor: null } });
    api.routes['GET /api/categories'] = () => ({ body: { items: [], next_cursor: null } });
    renderStorefront(api, `/signin?next=${encodeURIComponent('//evil.example/')}`, { signedIn: false });
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('E-mail'), 'ada@example.com');
    await user.type(screen.getByLabelText('Password'), 'correct-horse');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(location()).toBe('/'));
  });

  it('when sign-ins are limited, then the message says how long to wait (the Retry-After)', async () => {
    api.routes['POST /api/auth/login'] = () => ({
      ...problem(429, 'Too many failed sign-in attempts. Try again later.'),
      headers: { 'retry-after': '300' },
    });
    renderStorefront(api, '/signin', { signedIn: false });
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('E-mail'), 'ada@example.com');
    await user.type(screen.getByLabelText('Password'), 'guess');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect((await screen.findByRole('alert')).textContent).toBe(
      'Too many failed sign-in attempts. Try again in 5 minutes.',
    );
  });

  it('when the sign-up is refused field by field, then each message stands by its field', async () => {
    api.routes['POST /api/auth/register'] = () =>
      problem(422, 'The password is too weak.', {
        errors: [{ field: 'password', message: 'must not contain the e-mail address' }],
      });
    renderStorefront(api, '/signup', { signedIn: false });
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Name'), 'Ada');
    await user.type(screen.getByLabelText('E-mail'), 'ada@example.com');
    await user.type(screen.getByLabelText('Password', { exact: true }), 'ada@example.com');
    await user.click(screen.getByRole('button', { name: 'Create account' }));

    expect((await screen.findByRole('alert')).textContent).toContain('The password is too weak.');
    const password = screen.getByLabelText('Password', { exact: true });
    expect(password.getAttribute('aria-invalid')).toBe('true');
    const described = (password.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .map((id) => document.getElementById(id));
    expect(described.map((element) => element?.textContent)).toContain('Must not contain the e-mail address.');
    expect(screen.getByLabelText('Name').getAttribute('aria-invalid')).toBeNull();
  });
});
