// @vitest-environment happy-dom
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { StrictMode } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SessionProvider, useSession } from '../../src/session/session';
import { type FakeApi, problem, startFakeApi } from '../fake-api';

/** Shows the session's state and offers its actions as buttons. */
function Probe() {
  const session = useSession();
  return (
    <div>
      <output data-testid="status">{session.status}</output>
      <output data-testid="user">{session.user?.email ?? ''}</output>
      <button type="button" onClick={() => void session.signOut()}>
        Sign out
      </button>
      <button type="button" onClick={() => void session.reload()}>
        Reload
      </button>
    </div>
  );
}

const mount = (api: FakeApi) =>
  render(
    <StrictMode>
      <SessionProvider baseUrl={api.url}>
        <Probe />
      </SessionProvider>
    </StrictMode>,
  );

describe('the session', () => {
  let api: FakeApi;
  beforeEach(async () => {
    localStorage.clear();
    api = await startFakeApi({});
  });
  afterEach(async () => {
    cleanup();
    await api.close();
  });

  it('when the page opens with a stored refresh token, then it is used once (a second use would revoke the session) and the user is signed in', async () => {
    localStorage.setItem('shop.refresh-token', 'stored-refresh');
    mount(api);
    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('signed-in'));
    expect(api.sent('POST /api/auth/token')).toHaveLength(1);
    expect(String(api.sent('POST /api/auth/token')[0]?.body)).toContain('refresh_token=stored-refresh');
    expect(screen.getByTestId('user').textContent).toBe('ada@example.com');
    // The rotated token is the one kept for the next visit.
    expect(localStorage.getItem('shop.refresh-token')).toBe('refresh');
  });

  it('when the stored refresh token is refused, then the visitor is signed out and the token forgotten', async () => {
    localStorage.setItem('shop.refresh-token', 'revoked');
    api.routes['POST /api/auth/token'] = () => ({ status: 400, body: { error: 'invalid_grant' } });
    mount(api);
    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('signed-out'));
    expect(localStorage.getItem('shop.refresh-token')).toBeNull();
  });

  it('when the user signs out, then the refresh token is revoked at the server and forgotten here', async () => {
    localStorage.setItem('shop.refresh-token', 'stored-refresh');
    api.routes['POST /api/auth/revoke'] = () => ({ body: {} });
    mount(api);
    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('signed-in'));
    await act(async () => screen.getByRole('button', { name: 'Sign out' }).click());
    await waitFor(() => expect(api.sent('POST /api/auth/revoke')).toHaveLength(1));
    expect(String(api.sent('POST /api/auth/revoke')[0]?.body)).toBe('token=refresh');
    expect(screen.getByTestId('status').textContent).toBe('signed-out');
    expect(localStorage.getItem('shop.refresh-token')).toBeNull();
  });

  it('when a signed-in request is refused with 401 (the account was deactivated), then the session ends', async () => {
    localStorage.setItem('shop.refresh-token', 'stored-refresh');
    mount(api);
    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('signed-in'));
    api.routes['GET /api/account/me'] = () => problem(401, 'The access token was revoked: sign in again.');
    await act(async () => screen.getByRole('button', { name: 'Reload' }).click());
    await waitFor(() => expect(screen.getByTestId('status').textContent).toBe('signed-out'));
    expect(localStorage.getItem('shop.refresh-token')).toBeNull();
  });
});
