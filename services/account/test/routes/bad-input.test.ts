import { databaseTargets } from '@shop/platform/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, bearer, buildTestAccount, passwordLogin, registerUser, type TestAccount } from '../helpers.ts';
import { expectOAuthError, expectProblem, fieldsOf, queryRows, uniqueEmail } from './support.ts';

const JSON_TYPE = { 'content-type': 'application/json' };
const FORM_TYPE = { 'content-type': 'application/x-www-form-urlencoded' };
const ONE_MIB = 1024 * 1024;

/** A JSON document nested `depth` levels deep. */
const deepArray = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const deepObject = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

describe.each(databaseTargets())('bad input on $name', (target) => {
  let account: TestAccount;
  let adminToken: string;
  beforeAll(async () => {
    account = await buildTestAccount(target);
    adminToken = (await passwordLogin(account.app, ADMIN.email, ADMIN.password)).access_token;
  });
  afterAll(() => account.close());

  const register = (payload: string | Record<string, unknown>, headers: Record<string, string> = JSON_TYPE) =>
    account.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
      headers,
    });
  const postToken = (payload: string, headers: Record<string, string>) =>
    account.app.inject({ method: 'POST', url: '/api/auth/token', payload, headers });
  const validRegistration = () => ({
    email: uniqueEmail('bad'),
    name: 'Valid Name',
    password: 'correct-horse-battery',
  });

  describe('request bodies on problem+json endpoints', () => {
    it.each([
      ['truncated JSON', '{"email": "a@example.com", "name":'],
      ['a trailing comma', '{"email": "a@example.com",}'],
      ['single quotes', "{'email': 'a@example.com'}"],
      ['an empty body', ''],
    ])('when the register body is %s, then 400 problem+json', async (_label, body) => {
      expectProblem(await register(body), 400);
    });

    it.each([
      ['text/plain', 'email=a@example.com'],
      ['application/xml', '<user><email>a@example.com</email></user>'],
      ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="email"\r\n\r\na\r\n--x--'],
    ])('when the register body is sent as %s, then 415 problem+json', async (contentType, body) => {
      expectProblem(await register(body, { 'content-type': contentType }), 415);
    });

    it('when a JSON endpoint gets a form (register, PATCH /me, PATCH a user), then 415; only the OAuth endpoints take forms', async () => {
      const form = 'email=a%40example.com&name=A&password=correct-horse-battery';
      expectProblem(await register(form, FORM_TYPE), 415);
      const me = await account.app.inject({
        method: 'PATCH',
        url: '/api/account/me',
        payload: 'name=Other&current_password=x',
        headers: { ...FORM_TYPE, ...bearer(adminToken) },
      });
      expectProblem(me, 415);
      const user = await account.app.inject({
        method: 'PATCH',
        url: '/api/account/users/1',
        payload: 'role=customer',
        headers: { ...FORM_TYPE, ...bearer(adminToken) },
      });
      expectProblem(user, 415);
    });

    it('when the register body is larger than 1 MiB, then 413 problem+json', async () => {
      const body = JSON.stringify({ ...validRegistration(), name: 'x'.repeat(ONE_MIB) });

      expectProblem(await register(body), 413);
    });

    it('when the PATCH /me body is larger than 1 MiB, then 413 problem+json', async () => {
      const response = await account.app.inject({
        method: 'PATCH',
        url: '/api/account/me',
        headers: { ...bearer(adminToken), ...JSON_TYPE },
        payload: JSON.stringify({ name: 'n'.repeat(ONE_MIB + 1), current_password: ADMIN.password }),
      });

      expectProblem(response, 413);
    });

    it('when the register body has an unknown field, then 400 naming it', async () => {
      const response = await register({ ...validRegistration(), nickname: 'Ada' });

      const problem = expectProblem(response, 400);
      expect(problem.errors).toContainEqual({ field: 'nickname', message: 'is not a known field' });
    });

    it.each([
      ['a JSON array', '[]'],
      ['an array of the right object', JSON.stringify([{ email: 'a@example.com', name: 'A', password: 'passw0rd!' }])],
      ['a JSON string', '"hello"'],
      ['a JSON number', '42'],
      ['JSON null', 'null'],
      ['JSON true', 'true'],
    ])('when the register body is %s, then 400 problem+json', async (_label, body) => {
      const problem = expectProblem(await register(body), 400);
      expect(fieldsOf(problem)).toEqual(['(body)']);
    });

    it.each([
      ['array', deepArray(10_000)],
      ['object', deepObject(10_000)],
    ])('when the register body is a 10,000-deep nested %s, then 400', async (_label, body) => {
      expectProblem(await register(body), 400);
    });

    it('when a 10,000-deep value sits in a field, then 400 naming the field', async () => {
      const body = `{"email":${deepArray(10_000)},"name":"Deep","password":"correct-horse-battery"}`;

      expect(fieldsOf(expectProblem(await register(body), 400))).toContain('email');
    });

    it.each([
      ['name as a number', { name: 5 }, 'name'],
      ['password as a number', { password: 12345678 }, 'password'],
      ['email as an array', { email: ['a@example.com'] }, 'email'],
      ['name as an object', { name: { first: 'A' } }, 'name'],
      ['name as null', { name: null }, 'name'],
    ])('when the register body has %s, then 400 naming it (never coerced)', async (_label, override, field) => {
      const response = await register({ ...validRegistration(), ...override });

      expect(fieldsOf(expectProblem(response, 400))).toContain(field);
    });

    it.each([
      ['"true"', 'true'],
      ['"false"', 'false'],
      ['1', 1],
      ['null', null],
    ])('when PATCH users sends is_active as %s, then 400 and it is not coerced', async (_label, value) => {
      const user = await registerUser(account.app, { email: uniqueEmail('coerce') });

      const response = await account.app.inject({
        method: 'PATCH',
        url: `/api/account/users/${user.id}`,
        headers: bearer(adminToken),
        payload: { is_active: value },
      });

      expect(fieldsOf(expectProblem(response, 400))).toEqual(['is_active']);
      const stored = await account.app.inject({
        method: 'GET',
        url: `/api/account/users/${user.id}`,
        headers: bearer(adminToken),
      });
      expect(stored.json().is_active).toBe(true);
    });

    it('when the users list gets repeated parameters, then 400 and no 5xx', async () => {
      const response = await account.app.inject({
        method: 'GET',
        url: '/api/account/users?limit=1&limit=2&email=a&email=b',
        headers: bearer(adminToken),
      });

      expectProblem(response, 400);
    });

    it('when the users filter contains a NUL character, then 400 and no 5xx', async () => {
      const response = await account.app.inject({
        method: 'GET',
        url: '/api/account/users?email=a%00b',
        headers: bearer(adminToken),
      });

      expect(fieldsOf(expectProblem(response, 400))).toContain('email');
    });
  });

  describe('unicode and SQL-looking text', () => {
    it.each([
      ['emoji', 'Ada 😀👩‍👩‍👧‍👦 Lovelace'],
      ['right-to-left text', 'مرحبا שלום \u202eevil\u202c'],
      ['combining marks', 'Z\u0356\u0364\u0311 q\u0301\u0302 j\u0323\u0308\u0361'],
      ['a quote and an SQL comment', "' OR 1=1 --"],
      ['a DROP TABLE', '"; DROP TABLE account.users; --'],
      ['backslashes and percent signs', '100% \\x00 \\\\ _%_'],
    ])('when the name is %s, then 201 and the name round-trips exactly', async (_label, name) => {
      expect(name).toBe(name.normalize('NFC'));
      const email = uniqueEmail('unicode');

      const response = await register({ email, name, password: 'correct-horse-battery' });

      expect(response.statusCode, response.body).toBe(201);
      expect(response.json().name).toBe(name);
      const tokens = await passwordLogin(account.app, email, 'correct-horse-battery');
      const me = await account.app.inject({
        method: 'GET',
        url: '/api/account/me',
        headers: bearer(tokens.access_token),
      });
      expect(me.json().name).toBe(name);
      const rows = await queryRows<{ name: string }>(
        account,
        sql`select name from account.users where email = ${email}`,
      );
      expect(rows.map((row) => row.name)).toEqual([name]);
    });

    it('when the name is in decomposed form, then it is stored in NFC (the composed form)', async () => {
      const response = await register({ ...validRegistration(), name: 'Jose\u0301' });

      expect(response.statusCode).toBe(201);
      expect(response.json().name).toBe('Jos\u00e9');
    });

    it.each([
      ['a NUL character', 'Ada\u0000Lovelace'],
      ['only a NUL character', '\u0000'],
    ])('when the name contains %s, then 400 naming the name (never a 5xx)', async (_label, name) => {
      const response = await register({ ...validRegistration(), name });

      expect(fieldsOf(expectProblem(response, 400))).toContain('name');
    });

    it('when PATCH /me sets a name with a NUL character, then 400 and the name is kept', async () => {
      const user = await registerUser(account.app, { email: uniqueEmail('nul-me'), name: 'Kept' });
      const tokens = await passwordLogin(account.app, user.email, user.password);

      const response = await account.app.inject({
        method: 'PATCH',
        url: '/api/account/me',
        headers: bearer(tokens.access_token),
        payload: { name: 'Bad\u0000Name', current_password: user.password },
      });

      expect(fieldsOf(expectProblem(response, 400))).toContain('name');
      const me = await account.app.inject({
        method: 'GET',
        url: '/api/account/me',
        headers: bearer(tokens.access_token),
      });
      expect(me.json().name).toBe('Kept');
    });

    it.each([
      ['an emoji', '😀@example.com'],
      ['right-to-left text', 'שלום@example.com'],
      ['combining marks', 'a\u0301b\u0302@example.com'],
      ['a NUL character', 'ada\u0000@example.com'],
      ['a quote and an SQL comment', "' OR 1=1 --"],
      ['an SQL comment in the local part', "x' OR 1=1 --@example.com"],
      ['a DROP TABLE', '"; DROP TABLE account.users; --'],
    ])('when the e-mail contains %s, then 201 or 400, never a 5xx', async (_label, email) => {
      const response = await register({ email, name: 'Mail', password: 'correct-horse-battery' });

      if (response.statusCode === 201) {
        expect(response.json().email).toBe(email.trim().toLowerCase());
      } else {
        expect(fieldsOf(expectProblem(response, 400))).toContain('email');
      }
    });

    it.each([
      ["' OR 1=1 --", 'x'],
      [`${ADMIN.email}' --`, 'x'],
      ['"; DROP TABLE account.users; --', 'x'],
      ['nul\u0000@example.com', 'x'],
      [ADMIN.email, "' OR '1'='1"],
    ])('when signing in as %j, then 400 invalid_grant and never a 5xx', async (username, password) => {
      const response = await postToken(
        new URLSearchParams({ grant_type: 'password', username, password }).toString(),
        FORM_TYPE,
      );

      expectOAuthError(response, 400, 'invalid_grant');
    });

    it('when all that hostile text has been sent, then the users table still exists and the admin still signs in', async () => {
      await register({
        email: '"; DROP TABLE account.users; --',
        name: '"; DROP TABLE account.users; --',
        password: 'x',
      });

      const rows = await queryRows<{ n: number | string }>(account, sql`select count(*) as n from account.users`);

      expect(Number(rows[0]?.n)).toBeGreaterThan(0);
      expect((await passwordLogin(account.app, ADMIN.email, ADMIN.password)).token_type).toBe('Bearer');
    });
  });

  describe('the token endpoint answers RFC 6749 errors', () => {
    it('when the body is JSON, then 400 invalid_request (the token endpoint takes a form)', async () => {
      const body = JSON.stringify({ grant_type: 'password', username: ADMIN.email, password: ADMIN.password });

      expectOAuthError(await postToken(body, JSON_TYPE), 400, 'invalid_request');
    });

    it('when the body is malformed JSON, then 400 invalid_request', async () => {
      expectOAuthError(await postToken('{"grant_type": "password",', JSON_TYPE), 400, 'invalid_request');
    });

    it.each([
      ['a JSON array', '[]'],
      ['a 10,000-deep JSON array', deepArray(10_000)],
      ['JSON null', 'null'],
    ])('when the body is %s, then 400 invalid_request', async (_label, body) => {
      expectOAuthError(await postToken(body, JSON_TYPE), 400, 'invalid_request');
    });

    it.each([
      ['grant_type', 'grant_type=password&grant_type=refresh_token'],
      ['password', `grant_type=password&username=${encodeURIComponent(ADMIN.email)}&password=a&password=b`],
      ['refresh_token', 'grant_type=refresh_token&refresh_token=a&refresh_token=b'],
    ])('when %s is repeated, then 400 invalid_request', async (_label, body) => {
      expectOAuthError(await postToken(body, FORM_TYPE), 400, 'invalid_request');
    });

    it('when a form parameter uses bracket syntax, then 400 and no 5xx', async () => {
      const response = await postToken('grant_type[x]=password', FORM_TYPE);

      expectOAuthError(response, 400, 'invalid_request');
    });

    it('when the login endpoint gets malformed JSON or a JSON array, then 400 invalid_request', async () => {
      for (const payload of ['{"email":', '[]', deepArray(10_000)]) {
        const response = await account.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload,
          headers: JSON_TYPE,
        });
        expectOAuthError(response, 400, 'invalid_request');
      }
    });

    it('when the revoke endpoint gets malformed JSON, then 400 invalid_request', async () => {
      const response = await account.app.inject({
        method: 'POST',
        url: '/api/auth/revoke',
        payload: '{"token":',
        headers: JSON_TYPE,
      });

      expectOAuthError(response, 400, 'invalid_request');
    });

    it.each([
      ['/api/auth/token', 'text/plain'],
      ['/api/auth/login', 'application/xml'],
      ['/api/auth/revoke', 'text/plain'],
    ])('when %s gets %s, then 415 problem+json', async (url, contentType) => {
      const response = await account.app.inject({
        method: 'POST',
        url,
        payload: 'grant_type=password',
        headers: { 'content-type': contentType },
      });

      expectProblem(response, 415);
    });

    it('when the token endpoint gets a body over 1 MiB, then 413 problem+json', async () => {
      const response = await postToken(`grant_type=password&padding=${'a'.repeat(ONE_MIB)}`, FORM_TYPE);

      expectProblem(response, 413);
    });
  });

  describe('unknown routes and methods', () => {
    it.each([
      ['GET', '/api/account/nothing-here'],
      ['DELETE', '/api/account/me'],
      ['PUT', '/api/auth/token'],
      ['OPTIONS', '/api/auth/token'],
    ] as const)('when %s %s is called, then a 4xx problem+json, never a 5xx', async (method, url) => {
      const response = await account.app.inject({ method, url });

      expect(response.statusCode).toBeGreaterThanOrEqual(400);
      expect(response.statusCode).toBeLessThan(500);
      expectProblem(response, response.statusCode);
    });
  });
});
