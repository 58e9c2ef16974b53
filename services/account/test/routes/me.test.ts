import { databaseTargets } from '@shop/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, buildTestAccount, ORDER_CLIENT, passwordLogin, registerUser, type TestAccount } from '../helpers.ts';
import { basic, expectOAuthError, expectProblem, fieldsOf, tokenRequest, uniqueEmail } from './support.ts';

describe.each(databaseTargets())('/api/account/me on $name', (target) => {
  let account: TestAccount;
  beforeAll(async () => {
    account = await buildTestAccount(target);
  });
  afterAll(() => account.close());

  /** A freshly registered customer, signed in. */
  async function signedIn(label = 'me') {
    const user = await registerUser(account.app, { email: uniqueEmail(label), name: 'Original Name' });
    const tokens = await passwordLogin(account.app, user.email, user.password);
    return { ...user, tokens };
  }

  const getMe = (token: string) =>
    account.app.inject({ method: 'GET', url: '/api/account/me', headers: bearer(token) });
  const patchMe = (token: string, payload: Record<string, unknown>) =>
    account.app.inject({ method: 'PATCH', url: '/api/account/me', headers: bearer(token), payload });

  describe('GET', () => {
    it('when called with an access token, then 200 with the signed-in user and no password hash', async () => {
      const user = await signedIn();

      const response = await getMe(user.tokens.access_token);

      expect(response.statusCode, response.body).toBe(200);
      const body = response.json();
      expect(Object.keys(body).sort()).toEqual(['created_at', 'email', 'id', 'is_active', 'name', 'role']);
      expect(body).toMatchObject({
        id: user.id,
        email: user.email,
        name: 'Original Name',
        role: 'customer',
        is_active: true,
      });
      expect(response.body).not.toMatch(/password|hash/i);
    });

    it('when two users call it, then each sees themselves', async () => {
      const [a, b] = [await signedIn('me-a'), await signedIn('me-b')];

      expect((await getMe(a.tokens.access_token)).json().id).toBe(a.id);
      expect((await getMe(b.tokens.access_token)).json().id).toBe(b.id);
    });

    it('when called without a token, then 401 problem+json with WWW-Authenticate: Bearer', async () => {
      const response = await account.app.inject({ method: 'GET', url: '/api/account/me' });

      expectProblem(response, 401);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
    });

    it.each([
      ['a malformed token', 'Bearer not-a-jwt'],
      ['a token with a forged signature', 'Bearer eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiIxIn0.AAAA'],
      ['Basic credentials', `Basic ${Buffer.from('a:b').toString('base64')}`],
    ])('when called with %s, then 401 with WWW-Authenticate: Bearer', async (_label, authorization) => {
      const response = await account.app.inject({ method: 'GET', url: '/api/account/me', headers: { authorization } });

      expectProblem(response, 401);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
    });

    it('when called with a client_credentials token, then 404 (a service has no account)', async () => {
      const tokens = await tokenRequest(
        account.app,
        { grant_type: 'client_credentials' },
        { headers: basic(ORDER_CLIENT.id, ORDER_CLIENT.secret) },
      );
      expect(tokens.statusCode).toBe(200);

      const response = await getMe(tokens.json().access_token);
      const patch = await patchMe(tokens.json().access_token, { name: 'Robot', current_password: 'whatever-1' });

      expectProblem(response, 404);
      expectProblem(patch, 404);
    });

    it('when asked with HEAD, then 200 like GET', async () => {
      const user = await signedIn('head');

      const response = await account.app.inject({
        method: 'HEAD',
        url: '/api/account/me',
        headers: bearer(user.tokens.access_token),
      });

      expect(response.statusCode).toBe(200);
    });
  });

  describe('PATCH', () => {
    it('when the name is changed with the current password, then 200 and the new name sticks', async () => {
      const user = await signedIn('rename');

      const response = await patchMe(user.tokens.access_token, { name: 'New Name', current_password: user.password });

      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toMatchObject({ id: user.id, name: 'New Name', email: user.email });
      expect((await getMe(user.tokens.access_token)).json().name).toBe('New Name');
    });

    it('when the name is changed, then the refresh token keeps working', async () => {
      const user = await signedIn('rename-session');

      await patchMe(user.tokens.access_token, { name: 'Still Signed In', current_password: user.password });

      const response = await tokenRequest(account.app, {
        grant_type: 'refresh_token',
        refresh_token: user.tokens.refresh_token ?? '',
      });
      expect(response.statusCode, response.body).toBe(200);
    });

    it('when the current password is wrong, then 422 naming current_password and nothing changes', async () => {
      const user = await signedIn('wrong-current');

      const response = await patchMe(user.tokens.access_token, { name: 'Hacker', current_password: 'not-my-password' });

      const problem = expectProblem(response, 422);
      expect(fieldsOf(problem)).toEqual(['current_password']);
      expect((await getMe(user.tokens.access_token)).json().name).toBe('Original Name');
    });

    it('when the current password is missing, then 400 naming current_password', async () => {
      const user = await signedIn('no-current');

      const response = await patchMe(user.tokens.access_token, { name: 'Nope' });

      expect(fieldsOf(expectProblem(response, 400))).toContain('current_password');
    });

    it('when the password is changed, then the new one signs in, the old one does not, and old refresh tokens are revoked', async () => {
      const user = await signedIn('newpw');
      const otherSession = await passwordLogin(account.app, user.email, user.password);

      const response = await patchMe(user.tokens.access_token, {
        password: 'brand-new-password',
        current_password: user.password,
      });

      expect(response.statusCode, response.body).toBe(200);
      expect(response.body).not.toMatch(/password|hash/i);
      const oldPassword = await tokenRequest(account.app, {
        grant_type: 'password',
        username: user.email,
        password: user.password,
      });
      expectOAuthError(oldPassword, 400, 'invalid_grant');
      expect((await passwordLogin(account.app, user.email, 'brand-new-password')).token_type).toBe('Bearer');
      for (const refreshToken of [user.tokens.refresh_token, otherSession.refresh_token]) {
        const refreshed = await tokenRequest(account.app, {
          grant_type: 'refresh_token',
          refresh_token: refreshToken ?? '',
        });
        expectOAuthError(refreshed, 400, 'invalid_grant');
      }
    });

    it('when the password is changed, then refresh tokens issued afterwards still work', async () => {
      const user = await signedIn('after-change');
      await patchMe(user.tokens.access_token, { password: 'another-new-password', current_password: user.password });

      const fresh = await passwordLogin(account.app, user.email, 'another-new-password');
      const response = await tokenRequest(account.app, {
        grant_type: 'refresh_token',
        refresh_token: fresh.refresh_token ?? '',
      });

      expect(response.statusCode, response.body).toBe(200);
    });

    it('when the new password is too short, then 400 and the old password still works', async () => {
      const user = await signedIn('short-new');

      const response = await patchMe(user.tokens.access_token, { password: 'short', current_password: user.password });

      expect(fieldsOf(expectProblem(response, 400))).toContain('password');
      expect((await passwordLogin(account.app, user.email, user.password)).token_type).toBe('Bearer');
    });

    it('when the new password is the e-mail address, then 422', async () => {
      const user = await signedIn('pw-is-email');

      const response = await patchMe(user.tokens.access_token, {
        password: user.email,
        current_password: user.password,
      });

      expect(fieldsOf(expectProblem(response, 422))).toEqual(['password']);
    });

    it('when the new name is blank, then 400 or 422 and the name is kept', async () => {
      const user = await signedIn('blank-new');

      const response = await patchMe(user.tokens.access_token, { name: '   ', current_password: user.password });

      expect([400, 422]).toContain(response.statusCode);
      expect(fieldsOf(expectProblem(response, response.statusCode))).toContain('name');
      expect((await getMe(user.tokens.access_token)).json().name).toBe('Original Name');
    });

    it.each([
      ['an unknown field', { nickname: 'x' }, 'nickname'],
      ['a role', { role: 'admin' }, 'role'],
      ['is_active', { is_active: false }, 'is_active'],
      ['an e-mail', { email: 'other@example.com' }, 'email'],
    ])('when the body carries %s, then 400 naming it and nothing changes', async (_label, extra, field) => {
      const user = await signedIn('unknown-field');

      const response = await patchMe(user.tokens.access_token, { current_password: user.password, ...extra });

      expect(fieldsOf(expectProblem(response, 400))).toContain(field);
      expect((await getMe(user.tokens.access_token)).json()).toMatchObject({
        role: 'customer',
        is_active: true,
        email: user.email,
      });
    });

    it('when called without a token, then 401 with WWW-Authenticate: Bearer', async () => {
      const response = await account.app.inject({
        method: 'PATCH',
        url: '/api/account/me',
        payload: { name: 'x', current_password: 'y' },
      });

      expectProblem(response, 401);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
    });
  });
});
