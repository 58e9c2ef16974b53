import { databaseTargets } from '@shop/platform/testing';
import { decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN,
  bearer,
  buildTestAccount,
  form,
  ORDER_CLIENT,
  passwordLogin,
  registerUser,
  type TestAccount,
} from '../helpers.ts';
import {
  basic,
  CUSTOMER_SCOPES,
  expectOAuthError,
  expectProblem,
  tokenRequest,
  uniqueEmail,
  verifyWithJwks,
} from './support.ts';

describe.each(databaseTargets())('token endpoint on $name', (target) => {
  let account: TestAccount;
  let adminToken: string;
  beforeAll(async () => {
    account = await buildTestAccount(target);
    adminToken = (await passwordLogin(account.app, ADMIN.email, ADMIN.password)).access_token;
  });
  afterAll(() => account.close());

  const newCustomer = (label = 'customer') => registerUser(account.app, { email: uniqueEmail(label) });
  const passwordGrant = (username: string, password: string, extra: Record<string, string> = {}) =>
    tokenRequest(account.app, { grant_type: 'password', username, password, ...extra });
  const refresh = (refreshToken: string) =>
    tokenRequest(account.app, { grant_type: 'refresh_token', refresh_token: refreshToken });
  const revoke = (token: string) => account.app.inject({ method: 'POST', url: '/api/auth/revoke', ...form({ token }) });
  const me = (accessToken: string) =>
    account.app.inject({ method: 'GET', url: '/api/account/me', headers: bearer(accessToken) });

  describe('password grant', () => {
    it('when a customer signs in, then 200 with a no-store Bearer token, 900 s and the customer scopes', async () => {
      const user = await newCustomer();

      const response = await passwordGrant(user.email, user.password);

      expect(response.statusCode, response.body).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.headers['cache-control']).toBe('no-store');
      const body = response.json();
      expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 900, scope: CUSTOMER_SCOPES });
      expect(typeof body.access_token).toBe('string');
      expect(typeof body.refresh_token).toBe('string');
      expect(body.refresh_token).not.toBe(body.access_token);
    });

    it('when the access token is verified with the published JWKS, then it carries every documented claim', async () => {
      const user = await newCustomer('claims');
      const tokens = await passwordLogin(account.app, user.email, user.password);

      const { payload, protectedHeader } = await verifyWithJwks(
        account.app,
        tokens.access_token,
        account.config.PUBLIC_URL,
      );

      expect(payload.iss).toBe(account.config.PUBLIC_URL);
      expect(payload.iss).toBe('http://shop.test');
      expect(payload.sub).toBe(String(user.id));
      expect(payload.email).toBe(user.email);
      expect(payload.role).toBe('customer');
      expect(payload.scope).toBe(CUSTOMER_SCOPES);
      expect(typeof payload.iat).toBe('number');
      expect(typeof payload.exp).toBe('number');
      expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(900);
      expect(Math.abs((payload.iat ?? 0) - Date.now() / 1000)).toBeLessThan(60);
      expect(typeof payload.jti).toBe('string');
      expect(payload.jti?.length).toBeGreaterThan(0);
      expect(typeof protectedHeader.kid).toBe('string');
      expect(protectedHeader.alg).toBe('EdDSA');
    });

    it('when the same user signs in twice, then the tokens have different jti', async () => {
      const user = await newCustomer('jti');
      const a = await passwordLogin(account.app, user.email, user.password);
      const b = await passwordLogin(account.app, user.email, user.password);

      const [claimsA, claimsB] = await Promise.all([
        verifyWithJwks(account.app, a.access_token, account.config.PUBLIC_URL),
        verifyWithJwks(account.app, b.access_token, account.config.PUBLIC_URL),
      ]);

      expect(claimsA.payload.jti).not.toBe(claimsB.payload.jti);
      expect(a.refresh_token).not.toBe(b.refresh_token);
    });

    it('when the admin signs in, then the token carries the admin scopes and role', async () => {
      const tokens = await passwordLogin(account.app, ADMIN.email, ADMIN.password);

      const { payload } = await verifyWithJwks(account.app, tokens.access_token, account.config.PUBLIC_URL);

      expect(tokens.scope.split(' ')).toEqual(
        expect.arrayContaining(['user:read', 'user:write', 'product:write', 'analytics:read']),
      );
      expect(payload.role).toBe('admin');
    });

    it('when the username is given in capitals, then the sign-in succeeds', async () => {
      const user = await newCustomer('caps');

      const response = await passwordGrant(user.email.toUpperCase(), user.password);

      expect(response.statusCode, response.body).toBe(200);
    });

    it('when a public client sends its client_id, then the password grant still works', async () => {
      const user = await newCustomer('public');

      const response = await passwordGrant(user.email, user.password, { client_id: 'web' });

      expect(response.statusCode, response.body).toBe(200);
    });

    it('when the customer asks for a subset of their scopes, then the token carries just that subset', async () => {
      const user = await newCustomer('subset');

      const response = await passwordGrant(user.email, user.password, { scope: 'cart:write order:read' });

      expect(response.statusCode, response.body).toBe(200);
      expect(response.json().scope).toBe('cart:write order:read');
    });

    it('when a customer asks for scope user:read, then 400 invalid_scope', async () => {
      const user = await newCustomer('greedy');

      const response = await passwordGrant(user.email, user.password, { scope: 'user:read' });

      expectOAuthError(response, 400, 'invalid_scope');
    });

    it('when the password is wrong or the e-mail unknown, then both get the same 400 invalid_grant body', async () => {
      const user = await newCustomer('wrongpw');

      const wrongPassword = await passwordGrant(user.email, 'not-the-password');
      const unknownEmail = await passwordGrant(uniqueEmail('nobody'), 'not-the-password');

      expectOAuthError(wrongPassword, 400, 'invalid_grant');
      expectOAuthError(unknownEmail, 400, 'invalid_grant');
      expect(unknownEmail.body).toBe(wrongPassword.body);
    });

    it.each(['username', 'password'])('when %s is missing, then 400 invalid_request', async (missing) => {
      const params: Record<string, string> = { grant_type: 'password', username: ADMIN.email, password: 'x' };
      delete params[missing];

      const response = await tokenRequest(account.app, params);

      expect(expectOAuthError(response, 400, 'invalid_request').error_description).toContain(missing);
    });

    it('when an admin deactivates a user, then the user can no longer get tokens in any way', async () => {
      const user = await newCustomer('deactivated');
      const before = await passwordLogin(account.app, user.email, user.password);

      const patch = await account.app.inject({
        method: 'PATCH',
        url: `/api/account/users/${user.id}`,
        headers: bearer(adminToken),
        payload: { is_active: false },
      });
      expect(patch.statusCode, patch.body).toBe(200);

      expectOAuthError(await passwordGrant(user.email, user.password), 400, 'invalid_grant');
      expectOAuthError(await refresh(before.refresh_token ?? ''), 400, 'invalid_grant');
      const login = await account.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: user.email, password: user.password },
      });
      expectOAuthError(login, 400, 'invalid_grant');
    });
  });

  describe('refresh_token grant', () => {
    it('when a refresh token is used, then it is rotated and the old one stops working', async () => {
      const user = await newCustomer('rotate');
      const first = await passwordLogin(account.app, user.email, user.password);

      const rotated = await refresh(first.refresh_token ?? '');

      expect(rotated.statusCode, rotated.body).toBe(200);
      expect(rotated.headers['cache-control']).toBe('no-store');
      const second = rotated.json();
      expect(second).toMatchObject({ token_type: 'Bearer', expires_in: 900, scope: CUSTOMER_SCOPES });
      expect(typeof second.refresh_token).toBe('string');
      expect(second.refresh_token).not.toBe(first.refresh_token);
      expect((await me(second.access_token)).json().id).toBe(user.id);
      expectOAuthError(await refresh(first.refresh_token ?? ''), 400, 'invalid_grant');
    });

    it('when a rotated refresh token comes back, then the whole family is revoked, the newest token too', async () => {
      const user = await newCustomer('reuse');
      const first = await passwordLogin(account.app, user.email, user.password);
      const second = (await refresh(first.refresh_token ?? '')).json();
      const third = (await refresh(second.refresh_token)).json();
      expect(typeof third.refresh_token).toBe('string');

      const reuse = await refresh(first.refresh_token ?? '');

      expectOAuthError(reuse, 400, 'invalid_grant');
      expectOAuthError(await refresh(third.refresh_token), 400, 'invalid_grant');
    });

    it('when a reused token revokes its family, then other sign-ins of the same user keep working', async () => {
      const user = await newCustomer('families');
      const stolen = await passwordLogin(account.app, user.email, user.password);
      const otherDevice = await passwordLogin(account.app, user.email, user.password);
      await refresh(stolen.refresh_token ?? '');

      await refresh(stolen.refresh_token ?? '');

      expect((await refresh(otherDevice.refresh_token ?? '')).statusCode).toBe(200);
    });

    it('when refreshes with the same token race, then at most one succeeds and none fails with a 5xx', async () => {
      const user = await newCustomer('race');
      const tokens = await passwordLogin(account.app, user.email, user.password);

      const responses = await Promise.all([1, 2, 3, 4].map(() => refresh(tokens.refresh_token ?? '')));

      const statuses = responses.map((response) => response.statusCode);
      expect(statuses.filter((status) => status === 200).length).toBeLessThanOrEqual(1);
      for (const response of responses) {
        if (response.statusCode !== 200) expectOAuthError(response, 400, 'invalid_grant');
      }
    });

    it('when the refresh token is unknown, then 400 invalid_grant', async () => {
      expectOAuthError(await refresh('this-is-not-a-refresh-token'), 400, 'invalid_grant');
    });

    it('when the refresh_token parameter is missing, then 400 invalid_request', async () => {
      const response = await tokenRequest(account.app, { grant_type: 'refresh_token' });

      expectOAuthError(response, 400, 'invalid_request');
    });

    it('when a refresh asks for a scope the user lacks, then 400 invalid_scope', async () => {
      const user = await newCustomer('refresh-scope');
      const tokens = await passwordLogin(account.app, user.email, user.password);

      const response = await tokenRequest(account.app, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token ?? '',
        scope: 'user:write',
      });

      expectOAuthError(response, 400, 'invalid_scope');
    });

    it('when the access token is used as a refresh token, then 400 invalid_grant', async () => {
      const user = await newCustomer('confused');
      const tokens = await passwordLogin(account.app, user.email, user.password);

      expectOAuthError(await refresh(tokens.access_token), 400, 'invalid_grant');
    });
  });

  describe('revocation (RFC 7009)', () => {
    it('when a refresh token is revoked, then 200 and it no longer refreshes', async () => {
      const user = await newCustomer('revoke');
      const tokens = await passwordLogin(account.app, user.email, user.password);

      const response = await revoke(tokens.refresh_token ?? '');

      expect(response.statusCode).toBe(200);
      expectOAuthError(await refresh(tokens.refresh_token ?? ''), 400, 'invalid_grant');
    });

    it('when a rotated-from token is revoked, then its successor is revoked too', async () => {
      const user = await newCustomer('revoke-family');
      const first = await passwordLogin(account.app, user.email, user.password);
      const second = (await refresh(first.refresh_token ?? '')).json();

      expect((await revoke(first.refresh_token ?? '')).statusCode).toBe(200);

      expectOAuthError(await refresh(second.refresh_token), 400, 'invalid_grant');
    });

    it.each([
      ['an unknown token', 'no-such-token'],
      ['an access token', 'eyJhbGciOiJFZERTQSJ9.e30.c2ln'],
    ])('when %s is revoked, then 200 all the same', async (_label, token) => {
      const response = await revoke(token);

      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({});
    });

    it('when the same token is revoked twice, then both answers are 200', async () => {
      const user = await newCustomer('revoke-twice');
      const tokens = await passwordLogin(account.app, user.email, user.password);

      expect((await revoke(tokens.refresh_token ?? '')).statusCode).toBe(200);
      expect((await revoke(tokens.refresh_token ?? '')).statusCode).toBe(200);
    });

    it('when the token parameter is missing, then 400 invalid_request', async () => {
      const response = await account.app.inject({ method: 'POST', url: '/api/auth/revoke', ...form({}) });

      expect(response.statusCode).toBe(400);
      expect(response.json().error).toBe('invalid_request');
    });
  });

  describe('client_credentials grant', () => {
    const clientGrant = (params: Record<string, string> = {}, headers: Record<string, string> = {}) =>
      tokenRequest(account.app, { grant_type: 'client_credentials', ...params }, { headers });

    it('when the order client authenticates with HTTP Basic, then 200 with inventory:reserve and no refresh token', async () => {
      const response = await clientGrant({}, basic(ORDER_CLIENT.id, ORDER_CLIENT.secret));

      expect(response.statusCode, response.body).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      const body = response.json();
      expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 900, scope: 'inventory:reserve' });
      expect(body).not.toHaveProperty('refresh_token');
      const { payload, protectedHeader } = await verifyWithJwks(
        account.app,
        body.access_token,
        account.config.PUBLIC_URL,
      );
      expect(payload).toMatchObject({ sub: ORDER_CLIENT.id, client_id: ORDER_CLIENT.id, scope: 'inventory:reserve' });
      expect(protectedHeader.kid).toBe(decodeProtectedHeader(body.access_token).kid);
    });

    it('when the order client sends client_secret_post, then 200', async () => {
      const response = await clientGrant({ client_id: ORDER_CLIENT.id, client_secret: ORDER_CLIENT.secret });

      expect(response.statusCode, response.body).toBe(200);
      expect(response.json().scope).toBe('inventory:reserve');
    });

    it('when the Basic secret is wrong, then 401 invalid_client with WWW-Authenticate: Basic', async () => {
      const response = await clientGrant({}, basic(ORDER_CLIENT.id, 'wrong-secret'));

      expectOAuthError(response, 401, 'invalid_client');
      expect(response.headers['www-authenticate']).toMatch(/^Basic /);
    });

    it.each([
      ['an unknown client', { client_id: 'stranger', client_secret: ORDER_CLIENT.secret }],
      ['a wrong posted secret', { client_id: ORDER_CLIENT.id, client_secret: 'nope' }],
      ['no client authentication', {}],
      ['a client id without a secret', { client_id: ORDER_CLIENT.id }],
    ])('when the grant comes with %s, then 401 invalid_client', async (_label, params) => {
      expectOAuthError(await clientGrant(params), 401, 'invalid_client');
    });

    it('when both HTTP Basic and client_secret in the body are sent, then 400 invalid_request', async () => {
      const response = await clientGrant(
        { client_id: ORDER_CLIENT.id, client_secret: ORDER_CLIENT.secret },
        basic(ORDER_CLIENT.id, ORDER_CLIENT.secret),
      );

      expectOAuthError(response, 400, 'invalid_request');
    });

    it('when the client asks for a scope it does not have, then 400 invalid_scope', async () => {
      const response = await clientGrant({ scope: 'user:read' }, basic(ORDER_CLIENT.id, ORDER_CLIENT.secret));

      expectOAuthError(response, 400, 'invalid_scope');
    });

    it('when the Basic header is malformed, then 401 invalid_client and never a 5xx', async () => {
      const noColon = { authorization: `Basic ${Buffer.from('order-without-colon').toString('base64')}` };
      const badEscape = { authorization: `Basic ${Buffer.from('order:%E0%A4%A').toString('base64')}` };

      expectOAuthError(await clientGrant({}, noColon), 401, 'invalid_client');
      expectOAuthError(await clientGrant({}, badEscape), 401, 'invalid_client');
    });
  });

  describe('unsupported grants', () => {
    it.each([
      ['authorization_code', 'unsupported_grant_type'],
      ['implicit', 'unsupported_grant_type'],
      ['urn:ietf:params:oauth:grant-type:device_code', 'unsupported_grant_type'],
      ['urn:ietf:params:oauth:grant-type:jwt-bearer', 'unsupported_grant_type'],
      ['PASSWORD', 'unsupported_grant_type'],
      ['', 'invalid_request'],
    ])('when grant_type is %j, then 400 %s', async (grantType, error) => {
      const response = await tokenRequest(account.app, {
        grant_type: grantType,
        code: 'x',
        username: ADMIN.email,
        password: ADMIN.password,
      });

      expectOAuthError(response, 400, error);
    });

    it('when grant_type is missing, then 400 invalid_request', async () => {
      const response = await tokenRequest(account.app, { username: ADMIN.email, password: ADMIN.password });

      expectOAuthError(response, 400, 'invalid_request');
    });

    it('when the token endpoint gets no body at all, then 400 invalid_request', async () => {
      const response = await account.app.inject({ method: 'POST', url: '/api/auth/token' });

      expectOAuthError(response, 400, 'invalid_request');
    });
  });

  describe('POST /api/auth/login', () => {
    it('when the body is JSON {email, password}, then 200 with tokens and no-store', async () => {
      const user = await newCustomer('login-json');

      const response = await account.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: user.email, password: user.password },
      });

      expect(response.statusCode, response.body).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.json()).toMatchObject({ token_type: 'Bearer', expires_in: 900, scope: CUSTOMER_SCOPES });
      expect((await me(response.json().access_token)).json().email).toBe(user.email);
    });

    it('when the body is the password-grant form, then 200', async () => {
      const user = await newCustomer('login-form');

      const response = await account.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        ...form({ grant_type: 'password', username: user.email, password: user.password }),
      });

      expect(response.statusCode, response.body).toBe(200);
      expect(typeof response.json().refresh_token).toBe('string');
    });

    it('when the password is wrong, then 400 invalid_grant like the token endpoint', async () => {
      const user = await newCustomer('login-wrong');

      const response = await account.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: user.email, password: 'wrong-password' },
      });

      expectOAuthError(response, 400, 'invalid_grant');
    });

    it('when another grant type is sent to the login endpoint, then 400 unsupported_grant_type', async () => {
      const response = await account.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        ...form({ grant_type: 'client_credentials', username: ADMIN.email, password: ADMIN.password }),
      });

      expectOAuthError(response, 400, 'unsupported_grant_type');
    });

    it.each([
      ['the password is missing', { email: ADMIN.email }],
      ['the e-mail is a number', { email: 5, password: ADMIN.password }],
    ])('when %s, then 400 invalid_request', async (_label, payload) => {
      const response = await account.app.inject({ method: 'POST', url: '/api/auth/login', payload });

      expectOAuthError(response, 400, 'invalid_request');
    });
  });
});

describe.each(databaseTargets())('login rate limits on $name', (target) => {
  describe('per account', () => {
    let account: TestAccount;
    beforeAll(async () => {
      account = await buildTestAccount(target, { config: { LOGIN_MAX_FAILURES_PER_ACCOUNT: '3' } });
    });
    afterAll(() => account.close());

    it('when an account has 3 failed sign-ins, then the 4th attempt gets 429 with Retry-After even with the right password', async () => {
      const user = await registerUser(account.app, { email: uniqueEmail('limited') });
      for (let i = 0; i < 3; i += 1) {
        expectOAuthError(
          await tokenRequest(account.app, { grant_type: 'password', username: user.email, password: 'wrong-pw' }),
          400,
          'invalid_grant',
        );
      }

      const response = await tokenRequest(account.app, {
        grant_type: 'password',
        username: user.email,
        password: user.password,
      });

      expectProblem(response, 429);
      expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number.isInteger(Number(response.headers['retry-after']))).toBe(true);
      const viaLogin = await account.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: user.email.toUpperCase(), password: user.password },
      });
      expectProblem(viaLogin, 429);
    });

    it('when one account is locked, then another account from the same address still signs in', async () => {
      const locked = await registerUser(account.app, { email: uniqueEmail('locked') });
      const other = await registerUser(account.app, { email: uniqueEmail('other') });
      for (let i = 0; i < 3; i += 1) {
        await tokenRequest(account.app, { grant_type: 'password', username: locked.email, password: 'wrong-pw' });
      }

      const response = await tokenRequest(account.app, {
        grant_type: 'password',
        username: other.email,
        password: other.password,
      });

      expect(response.statusCode, response.body).toBe(200);
    });

    it('when an account signs in successfully many times, then the successes never count as failures', async () => {
      const user = await registerUser(account.app, { email: uniqueEmail('busy') });
      for (let i = 0; i < 5; i += 1) await passwordLogin(account.app, user.email, user.password);
      for (let i = 0; i < 2; i += 1) {
        await tokenRequest(account.app, { grant_type: 'password', username: user.email, password: 'wrong-pw' });
      }

      const response = await tokenRequest(account.app, {
        grant_type: 'password',
        username: user.email,
        password: user.password,
      });

      expect(response.statusCode, response.body).toBe(200);
    });
  });

  describe('per IP address', () => {
    let account: TestAccount;
    beforeAll(async () => {
      account = await buildTestAccount(target, { config: { LOGIN_MAX_FAILURES_PER_IP: '4' } });
    });
    afterAll(() => account.close());

    it('when one address fails 4 times across accounts, then it gets 429 and another address is unaffected', async () => {
      const attacker = '203.0.113.7';
      const users = await Promise.all(
        [1, 2, 3, 4, 5].map(() => registerUser(account.app, { email: uniqueEmail('ip') })),
      );
      for (const user of users.slice(0, 4)) {
        const failure = await tokenRequest(
          account.app,
          { grant_type: 'password', username: user.email, password: 'wrong-pw' },
          { remoteAddress: attacker },
        );
        expectOAuthError(failure, 400, 'invalid_grant');
      }
      const fifth = users[4];
      if (!fifth) throw new Error('no fifth user');

      const blocked = await tokenRequest(
        account.app,
        { grant_type: 'password', username: fifth.email, password: fifth.password },
        { remoteAddress: attacker },
      );
      const elsewhere = await tokenRequest(
        account.app,
        { grant_type: 'password', username: fifth.email, password: fifth.password },
        { remoteAddress: '198.51.100.9' },
      );

      expectProblem(blocked, 429);
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
      expect(elsewhere.statusCode, elsewhere.body).toBe(200);
    });

    it('when an address signs in successfully more often than the limit, then it is not blocked', async () => {
      const user = await registerUser(account.app, { email: uniqueEmail('ip-ok') });
      const address = '192.0.2.44';
      for (let i = 0; i < 6; i += 1) {
        const response = await tokenRequest(
          account.app,
          { grant_type: 'password', username: user.email, password: user.password },
          { remoteAddress: address },
        );
        expect(response.statusCode, response.body).toBe(200);
      }
    });
  });
});
