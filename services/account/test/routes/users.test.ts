import { databaseTargets } from '@shop/platform/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, bearer, buildTestAccount, passwordLogin, registerUser, type TestAccount } from '../helpers.ts';
import { expectOAuthError, expectProblem, fieldsOf, tokenRequest, uniqueEmail } from './support.ts';

const cursorOf = (body: unknown) => Buffer.from(JSON.stringify(body)).toString('base64url');

interface UserView {
  id: number;
  email: string;
  name: string;
  role: string;
  is_active: boolean;
  created_at: string;
}

describe.each(databaseTargets())('/api/account/users on $name', (target) => {
  let account: TestAccount;
  let adminToken: string;
  let adminId: number;
  let customerToken: string;
  let customer: { id: number; email: string; password: string };
  /** Five users whose e-mails share a tag no one else has. */
  let tagged: UserView[];
  const tag = `pager${Date.now().toString(36)}`;

  beforeAll(async () => {
    account = await buildTestAccount(target);
    const admin = await passwordLogin(account.app, ADMIN.email, ADMIN.password);
    adminToken = admin.access_token;
    if (!account.createdAdmin) throw new Error('the test account has no admin');
    adminId = account.createdAdmin.id;
    customer = await registerUser(account.app, { email: uniqueEmail('plain-customer') });
    customerToken = (await passwordLogin(account.app, customer.email, customer.password)).access_token;
    tagged = [];
    for (let i = 0; i < 5; i += 1) {
      const response = await account.app.inject({
        method: 'POST',
        url: '/api/auth/register',
        payload: { email: uniqueEmail(tag), name: `Tagged ${i}`, password: 'correct-horse-battery' },
      });
      tagged.push(response.json());
    }
  });
  afterAll(() => account.close());

  const get = (url: string, token = adminToken) => account.app.inject({ method: 'GET', url, headers: bearer(token) });
  const patch = (id: number | string, payload: Record<string, unknown>, token = adminToken) =>
    account.app.inject({ method: 'PATCH', url: `/api/account/users/${id}`, headers: bearer(token), payload });

  describe('GET /api/account/users', () => {
    it('when the admin lists users, then 200 with items oldest first and next_cursor', async () => {
      const response = await get('/api/account/users');

      expect(response.statusCode, response.body).toBe(200);
      const page = response.json();
      expect(Object.keys(page).sort()).toEqual(['items', 'next_cursor']);
      expect(page.items.length).toBeGreaterThanOrEqual(7);
      expect(page.items[0]).toMatchObject({ email: ADMIN.email, role: 'admin' });
      const ids = page.items.map((user: UserView) => user.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(page.next_cursor).toBeNull();
      expect(response.body).not.toMatch(/password|hash/i);
    });

    it('when filtered by ?email=, then only matching users come back, case-insensitively', async () => {
      const lower = (await get(`/api/account/users?email=${tag}`)).json();
      const upper = (await get(`/api/account/users?email=${tag.toUpperCase()}`)).json();

      expect(lower.items.map((user: UserView) => user.id)).toEqual(tagged.map((user) => user.id));
      expect(upper.items).toEqual(lower.items);
    });

    it('when the filter is a whole address, then exactly that user comes back', async () => {
      const response = await get(`/api/account/users?email=${encodeURIComponent(customer.email)}`);

      expect(response.json().items.map((user: UserView) => user.id)).toEqual([customer.id]);
    });

    it.each([
      ['%', '%25'],
      ['_', '_'],
    ])('when the filter is the wildcard %s, then it is matched literally', async (_label, filter) => {
      const response = await get(`/api/account/users?email=${filter}`);

      expect(response.statusCode).toBe(200);
      expect(response.json().items).toEqual([]);
    });

    it('when paging with limit=2, then walking next_cursor visits every match once, in order', async () => {
      const pages: UserView[][] = [];
      let cursor: string | null = null;
      do {
        const query: string = `/api/account/users?email=${tag}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const response = await get(query);
        expect(response.statusCode, response.body).toBe(200);
        const page = response.json();
        pages.push(page.items);
        cursor = page.next_cursor;
        expect(pages.length).toBeLessThanOrEqual(5);
      } while (cursor !== null);

      expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
      expect(pages.flat().map((user) => user.id)).toEqual(tagged.map((user) => user.id));
    });

    it('when creation times and ids disagree (concurrent registrations), then pages follow the times, each user once', async () => {
      const shuffled = `shuffled${Date.now().toString(36)}`;
      const ids: number[] = [];
      for (let i = 0; i < 5; i += 1) ids.push((await registerUser(account.app, { email: uniqueEmail(shuffled) })).id);
      // As two registrations leave it when the one that began first commits last.
      const minutesAgo = [2, 4, 1, 4, 3];
      for (const [i, id] of ids.entries()) {
        await account.database.db.execute(
          sql`update account.users set created_at = now() - make_interval(mins => ${minutesAgo[i]}) where id = ${id}`,
        );
      }
      for (const limit of [1, 2, 3]) {
        const seen: UserView[] = [];
        let cursor: string | null = null;
        do {
          const response = await get(
            `/api/account/users?email=${shuffled}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          );
          expect(response.statusCode, response.body).toBe(200);
          seen.push(...response.json().items);
          cursor = response.json().next_cursor;
        } while (cursor !== null);
        const oldestFirst = [...seen].sort(
          (a, b) => Date.parse(a.created_at) - Date.parse(b.created_at) || a.id - b.id,
        );
        expect(seen.map((user) => user.id)).toEqual(oldestFirst.map((user) => user.id));
        expect(new Set(seen.map((user) => user.id))).toEqual(new Set(ids));
      }
    });

    it('when the page is exactly full at the end, then next_cursor is null rather than an empty page', async () => {
      const first = (await get(`/api/account/users?email=${tag}&limit=5`)).json();

      expect(first.items).toHaveLength(5);
      expect(first.next_cursor).toBeNull();
    });

    it.each([
      ['not base64 JSON', 'abc'],
      ['JSON of the wrong shape', Buffer.from(JSON.stringify({ after: 'x' })).toString('base64url')],
      ['a negative position', Buffer.from(JSON.stringify({ after: -1 })).toString('base64url')],
      ['a JSON array', Buffer.from('[1]').toString('base64url')],
      ['a year past 9999', cursorOf({ s: 'oldest', v: '10000-01-01 00:00:00+00', i: 1 })],
      ['the 30th of February', cursorOf({ s: 'oldest', v: '2026-02-30 00:00:00+00', i: 1 })],
      ['an id past int4', cursorOf({ s: 'oldest', v: '2026-01-01 00:00:00+00', i: 2 ** 31 })],
      ['another list’s', cursorOf({ s: 'newest', v: '2026-01-01 00:00:00+00', i: 1 })],
    ])('when the cursor is %s, then 400 naming the cursor', async (_label, cursor) => {
      const response = await get(`/api/account/users?cursor=${encodeURIComponent(cursor)}`);

      expect(fieldsOf(expectProblem(response, 400))).toContain('cursor');
    });

    it.each(['0', '101', '-1', 'abc', '2.5', ''])('when limit is %j, then 400 naming limit', async (limit) => {
      const response = await get(`/api/account/users?limit=${limit}`);

      expect(fieldsOf(expectProblem(response, 400))).toContain('limit');
    });

    it.each(['1', '100'])('when limit is %s, then 200 with at most that many items', async (limit) => {
      const response = await get(`/api/account/users?limit=${limit}`);

      expect(response.statusCode).toBe(200);
      expect(response.json().items.length).toBeLessThanOrEqual(Number(limit));
      expect(response.json().items.length).toBeGreaterThan(0);
    });

    it('when a customer lists users, then 403 with insufficient_scope', async () => {
      const response = await get('/api/account/users', customerToken);

      expectProblem(response, 403);
      expect(response.headers['www-authenticate']).toMatch(/insufficient_scope/);
    });

    it('when no token is sent, then 401 with WWW-Authenticate: Bearer', async () => {
      const response = await account.app.inject({ method: 'GET', url: '/api/account/users' });

      expectProblem(response, 401);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
    });
  });

  describe('GET /api/account/users/{id}', () => {
    it('when the admin fetches a user, then 200 with that user as registration returned it', async () => {
      const [first] = tagged;

      const response = await get(`/api/account/users/${first?.id}`);

      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual(first);
    });

    it('when the id is unknown, then 404 problem+json', async () => {
      expectProblem(await get('/api/account/users/999999'), 404);
    });

    it.each(['0', 'abc', '-3', '1.5', '99999999999'])('when the id is %j, then 400', async (id) => {
      const response = await get(`/api/account/users/${id}`);

      expect(fieldsOf(expectProblem(response, 400))).toContain('id');
    });

    it('when a customer fetches a user (even themselves), then 403', async () => {
      expectProblem(await get(`/api/account/users/${customer.id}`, customerToken), 403);
    });

    it('when no token is sent, then 401 with WWW-Authenticate: Bearer', async () => {
      const response = await account.app.inject({ method: 'GET', url: `/api/account/users/${customer.id}` });

      expectProblem(response, 401);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
    });
  });

  describe('PATCH /api/account/users/{id}', () => {
    it('when the admin promotes a customer, then 200 and their next sign-in carries the admin scopes', async () => {
      const user = await registerUser(account.app, { email: uniqueEmail('promote') });
      const before = await passwordLogin(account.app, user.email, user.password);

      const response = await patch(user.id, { role: 'admin' });

      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toMatchObject({ id: user.id, role: 'admin', is_active: true });
      expect((await get(`/api/account/users/${user.id}`)).json().role).toBe('admin');
      const after = await passwordLogin(account.app, user.email, user.password);
      expect(after.scope.split(' ')).toContain('user:write');
      const oldRefresh = await tokenRequest(account.app, {
        grant_type: 'refresh_token',
        refresh_token: before.refresh_token ?? '',
      });
      expectOAuthError(oldRefresh, 400, 'invalid_grant');
      await patch(user.id, { role: 'customer' });
    });

    it('when the admin deactivates a user, then 200, they cannot sign in, their sessions end, and reactivating lets them sign in again', async () => {
      const user = await registerUser(account.app, { email: uniqueEmail('deactivate') });
      const tokens = await passwordLogin(account.app, user.email, user.password);

      const response = await patch(user.id, { is_active: false });

      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toMatchObject({ id: user.id, is_active: false, role: 'customer' });
      const signIn = () =>
        tokenRequest(account.app, { grant_type: 'password', username: user.email, password: user.password });
      expectOAuthError(await signIn(), 400, 'invalid_grant');

      const reactivate = await patch(user.id, { is_active: true });

      expect(reactivate.json().is_active).toBe(true);
      expect((await signIn()).statusCode).toBe(200);
      const oldSession = await tokenRequest(account.app, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token ?? '',
      });
      expectOAuthError(oldSession, 400, 'invalid_grant');
    });

    it('when the admin sends an empty body, then 200 and nothing changes', async () => {
      const response = await patch(customer.id, {});

      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ id: customer.id, role: 'customer', is_active: true });
    });

    it('when the only admin tries to demote or deactivate herself, then 422 and she stays admin', async () => {
      const demote = await patch(adminId, { role: 'customer' });
      const deactivate = await patch(adminId, { is_active: false });

      expectProblem(demote, 422);
      expectProblem(deactivate, 422);
      expect((await get(`/api/account/users/${adminId}`)).json()).toMatchObject({ role: 'admin', is_active: true });
      expect((await passwordLogin(account.app, ADMIN.email, ADMIN.password)).scope).toContain('user:write');
    });

    it('when there is a second admin, then the first may demote her, but not then herself', async () => {
      const second = await registerUser(account.app, { email: uniqueEmail('second-admin') });
      expect((await patch(second.id, { role: 'admin' })).statusCode).toBe(200);

      const demoteSecond = await patch(second.id, { role: 'customer' });
      const demoteLast = await patch(adminId, { role: 'customer' });

      expect(demoteSecond.statusCode, demoteSecond.body).toBe(200);
      expect(demoteSecond.json().role).toBe('customer');
      expectProblem(demoteLast, 422);
    });

    it.each([
      ['an unknown role', { role: 'superuser' }, 'role'],
      ['is_active as a string', { is_active: 'true' }, 'is_active'],
      ['is_active as a number', { is_active: 1 }, 'is_active'],
      ['an unknown field', { name: 'Renamed' }, 'name'],
    ])('when the body has %s, then 400 naming it', async (_label, body, field) => {
      const response = await patch(customer.id, body);

      expect(fieldsOf(expectProblem(response, 400))).toContain(field);
    });

    it('when the id is unknown, then 404', async () => {
      expectProblem(await patch(999999, { is_active: false }), 404);
    });

    it('when a customer patches anyone (even themselves), then 403 and nothing changes', async () => {
      const response = await patch(customer.id, { role: 'admin' }, customerToken);

      expectProblem(response, 403);
      expect((await get(`/api/account/users/${customer.id}`)).json().role).toBe('customer');
    });

    it('when no token is sent, then 401 with WWW-Authenticate: Bearer', async () => {
      const response = await account.app.inject({
        method: 'PATCH',
        url: `/api/account/users/${customer.id}`,
        payload: { is_active: false },
      });

      expectProblem(response, 401);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
    });
  });
});
