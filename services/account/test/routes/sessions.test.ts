import { REVOCATIONS_PATH, UserSessionsRevoked } from '@shop/contracts';
import type { HttpApp } from '@shop/platform';
import { databaseTargets, schemaErrors } from '@shop/platform/testing';
import { sql } from 'drizzle-orm';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/domain/ports.ts';
import { ADMIN, bearer, buildTestAccount, passwordLogin, registerUser, type TestAccount } from '../helpers.ts';
import { expectProblem, queryRows, uniqueEmail } from './support.ts';

/** A clock that runs with real time unless a test pins it. */
class PinnableClock implements Clock {
  pinned: Date | undefined;
  now(): Date {
    return this.pinned ? new Date(this.pinned) : new Date();
  }
}

const patchUser = (app: HttpApp, token: string, id: number, payload: Record<string, unknown>) =>
  app.inject({ method: 'PATCH', url: `/api/account/users/${id}`, headers: bearer(token), payload });
const getUsers = (app: HttpApp, token: string) =>
  app.inject({ method: 'GET', url: '/api/account/users', headers: bearer(token) });
const getMe = (app: HttpApp, token: string) =>
  app.inject({ method: 'GET', url: '/api/account/me', headers: bearer(token) });

/** 401 problem+json with the RFC 6750 challenge a client can act on. */
function expectInvalidToken(response: Awaited<ReturnType<HttpApp['inject']>>) {
  expectProblem(response, 401);
  expect(response.headers['www-authenticate']).toMatch(/^Bearer .*error="invalid_token"/);
}

/** The user's `account.user_sessions_revoked` events, each checked against its contract. */
async function revokedEvents(account: TestAccount, userId: number): Promise<UserSessionsRevoked[]> {
  const rows = await queryRows<{ event: { data: UserSessionsRevoked } }>(
    account,
    sql`select event from account.outbox
        where type = 'account.user_sessions_revoked' and (event -> 'data' ->> 'user_id')::int = ${userId}
        order by id`,
  );
  const events = rows.map((row) => row.event.data);
  for (const data of events) expect(schemaErrors(UserSessionsRevoked, data)).toEqual([]);
  return events;
}

async function tokensValidAfter(account: TestAccount, userId: number): Promise<Date | null> {
  const [row] = await queryRows<{ at: string | Date | null }>(
    account,
    sql`select tokens_valid_after as at from account.users where id = ${userId}`,
  );
  return row?.at ? new Date(row.at) : null;
}

async function activeAdmins(account: TestAccount): Promise<number[]> {
  const rows = await queryRows<{ id: number }>(
    account,
    sql`select id from account.users where role = 'admin' and is_active order by id`,
  );
  return rows.map((row) => Number(row.id));
}

describe.each(databaseTargets())('sessions of changed users on $name', (target) => {
  let account: TestAccount;
  let adminId: number;
  const clock = new PinnableClock();
  beforeAll(async () => {
    account = await buildTestAccount(target, { clock });
    if (!account.createdAdmin) throw new Error('the test account has no admin');
    adminId = account.createdAdmin.id;
  });
  afterAll(() => account.close());

  const adminToken = async () => (await passwordLogin(account.app, ADMIN.email, ADMIN.password)).access_token;

  /** A second admin, promoted by the first, signed in before anything else happens. */
  async function secondAdmin(label: string) {
    const user = await registerUser(account.app, { email: uniqueEmail(label) });
    const promoted = await patchUser(account.app, await adminToken(), user.id, { role: 'admin' });
    expect(promoted.statusCode, promoted.body).toBe(200);
    const token = (await passwordLogin(account.app, user.email, user.password)).access_token;
    return { ...user, token };
  }

  describe('a removed admin', () => {
    it('when admin A demotes and deactivates admin B, then B’s old token can neither patch anyone, nor read users, nor use /me', async () => {
      const b = await secondAdmin('removed-admin');
      const a = await adminToken();

      const removed = await patchUser(account.app, a, b.id, { role: 'customer', is_active: false });
      expect(removed.statusCode, removed.body).toBe(200);

      expectInvalidToken(await patchUser(account.app, b.token, b.id, { role: 'admin', is_active: true }));
      expectInvalidToken(await patchUser(account.app, b.token, adminId, { is_active: false }));
      expectInvalidToken(await getUsers(account.app, b.token));
      expectInvalidToken(
        await account.app.inject({ method: 'GET', url: `/api/account/users/${adminId}`, headers: bearer(b.token) }),
      );
      expectInvalidToken(await getMe(account.app, b.token));
      expectInvalidToken(
        await account.app.inject({
          method: 'PATCH',
          url: '/api/account/me',
          headers: bearer(b.token),
          payload: { name: 'Still Here', current_password: b.password },
        }),
      );
      const me = await getMe(account.app, a);
      expect(me.json()).toMatchObject({ id: adminId, role: 'admin', is_active: true });
      const bRow = (
        await account.app.inject({ method: 'GET', url: `/api/account/users/${b.id}`, headers: bearer(a) })
      ).json();
      expect(bRow).toMatchObject({ role: 'customer', is_active: false });
    });

    it('when an admin is only demoted, then her old admin token is refused (401) and a fresh sign-in is a customer’s (403)', async () => {
      const b = await secondAdmin('demoted-only');

      expect((await patchUser(account.app, await adminToken(), b.id, { role: 'customer' })).statusCode).toBe(200);

      expectInvalidToken(await getUsers(account.app, b.token));
      const fresh = await passwordLogin(account.app, b.email, b.password);
      expect(fresh.scope).not.toContain('user:read');
      expectProblem(await getUsers(account.app, fresh.access_token), 403);
      expect((await getMe(account.app, fresh.access_token)).statusCode).toBe(200);
    });

    it('when the row says customer though the token still says admin, then admin routes answer 403', async () => {
      const b = await secondAdmin('row-says-customer');
      // A change that bypassed the API and its revocation: only the current row can tell.
      await account.database.db.execute(sql`update account.users set role = 'customer' where id = ${b.id}`);

      expectProblem(await getUsers(account.app, b.token), 403);
      expectProblem(await patchUser(account.app, b.token, adminId, { is_active: false }), 403);
      expect((await getMe(account.app, b.token)).statusCode).toBe(200);
      expect(await activeAdmins(account)).toContain(adminId);
    });

    it('when a user is deactivated, then /me refuses his token with 401 invalid_token', async () => {
      const user = await registerUser(account.app, { email: uniqueEmail('deactivated-me') });
      const token = (await passwordLogin(account.app, user.email, user.password)).access_token;

      await patchUser(account.app, await adminToken(), user.id, { is_active: false });

      expectInvalidToken(await getMe(account.app, token));
    });
  });

  describe('self-removal', () => {
    it.each([
      ['demote', { role: 'customer' }, 'role'],
      ['deactivate', { is_active: false }, 'is_active'],
    ])(
      'when an admin tries to %s herself, then 422 naming the rule, and nothing changes',
      async (_label, body, field) => {
        const b = await secondAdmin(`self-${field}`);
        const eventsBefore = await revokedEvents(account, b.id);

        const response = await patchUser(account.app, b.token, b.id, body);

        const problem = expectProblem(response, 422);
        expect(problem.detail).toMatch(/yourself/i);
        expect((problem.errors ?? []).map((error: { field: string }) => error.field)).toEqual([field]);
        expect(await activeAdmins(account)).toContain(b.id);
        expect(await revokedEvents(account, b.id)).toEqual(eventsBefore);
        expect((await getUsers(account.app, b.token)).statusCode).toBe(200);
      },
    );

    it('when an admin patches herself without losing anything, then 200 and her token keeps working', async () => {
      const b = await secondAdmin('self-noop');
      const eventsBefore = await revokedEvents(account, b.id);

      const response = await patchUser(account.app, b.token, b.id, { role: 'admin', is_active: true });

      expect(response.statusCode, response.body).toBe(200);
      expect(await revokedEvents(account, b.id)).toEqual(eventsBefore);
      expect((await getUsers(account.app, b.token)).statusCode).toBe(200);
    });
  });

  describe('revocation', () => {
    it.each([
      ['deactivated', { is_active: false }],
      ['role_changed', { role: 'admin' }],
    ])(
      'when an admin change means %s, then tokens_valid_after is the next whole second and the event is in the outbox',
      async (reason, body) => {
        const user = await registerUser(account.app, { email: uniqueEmail(`event-${reason}`) });
        const before = Date.now();

        expect((await patchUser(account.app, await adminToken(), user.id, body)).statusCode).toBe(200);

        const after = Date.now();
        const validAfter = await tokensValidAfter(account, user.id);
        expect(validAfter).not.toBeNull();
        const seconds = (validAfter?.getTime() ?? 0) / 1000;
        expect(Number.isInteger(seconds)).toBe(true);
        expect(seconds).toBeGreaterThan(Math.floor(before / 1000));
        expect(seconds).toBeLessThanOrEqual(Math.floor(after / 1000) + 1);
        const events = await revokedEvents(account, user.id);
        expect(events).toEqual([
          { user_id: user.id, not_before: validAfter?.toISOString().replace('.000Z', 'Z'), reason },
        ]);
      },
    );

    it('when a user changes her password, then the event says password_changed and her old access token is refused', async () => {
      const user = await registerUser(account.app, { email: uniqueEmail('event-password') });
      const token = (await passwordLogin(account.app, user.email, user.password)).access_token;

      const response = await account.app.inject({
        method: 'PATCH',
        url: '/api/account/me',
        headers: bearer(token),
        payload: { password: 'a-brand-new-password', current_password: user.password },
      });

      expect(response.statusCode, response.body).toBe(200);
      expect((await revokedEvents(account, user.id)).map((event) => event.reason)).toEqual(['password_changed']);
      expectInvalidToken(await getMe(account.app, token));
    });

    it('when nothing that matters changes (a name, a no-op role, a refused change), then no event is written', async () => {
      const user = await registerUser(account.app, { email: uniqueEmail('no-event') });
      const token = (await passwordLogin(account.app, user.email, user.password)).access_token;
      const admin = await adminToken();

      await account.app.inject({
        method: 'PATCH',
        url: '/api/account/me',
        headers: bearer(token),
        payload: { name: 'Renamed', current_password: user.password },
      });
      await account.app.inject({
        method: 'PATCH',
        url: '/api/account/me',
        headers: bearer(token),
        payload: { password: 'another-password-1', current_password: 'not-my-password' },
      });
      await patchUser(account.app, admin, user.id, { role: 'customer', is_active: true });
      await patchUser(account.app, admin, user.id, { role: 'superuser' });

      expect(await revokedEvents(account, user.id)).toEqual([]);
      expect(await tokensValidAfter(account, user.id)).toBeNull();
      expect((await getMe(account.app, token)).statusCode).toBe(200);
    });

    it('when a user signs in again in the same second as the revocation, then the new token’s iat is the revocation time and it works', async () => {
      const user = await registerUser(account.app, { email: uniqueEmail('same-second') });
      // The middle of a second: a plain iat would fall before the revocation's whole second.
      clock.pinned = new Date(Math.floor(Date.now() / 1000) * 1000 + 300);
      try {
        expect((await patchUser(account.app, await adminToken(), user.id, { role: 'admin' })).statusCode).toBe(200);
        const fresh = await passwordLogin(account.app, user.email, user.password);

        const validAfter = await tokensValidAfter(account, user.id);
        expect(validAfter?.getTime()).toBe(clock.now().getTime() + 700);
        expect(decodeJwt(fresh.access_token).iat).toBe((validAfter?.getTime() ?? 0) / 1000);
        expect((await getMe(account.app, fresh.access_token)).statusCode).toBe(200);
        const refreshed = await account.app.inject({
          method: 'POST',
          url: '/api/auth/token',
          payload: new URLSearchParams({
            grant_type: 'refresh_token',
            refresh_token: fresh.refresh_token ?? '',
          }).toString(),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
        expect(decodeJwt(refreshed.json().access_token).iat).toBe((validAfter?.getTime() ?? 0) / 1000);
      } finally {
        clock.pinned = undefined;
      }
    });
  });

  describe('the last admin, under concurrency', () => {
    it('when two admins demote (or deactivate) each other at the same moment, then exactly one wins and an active admin remains', async () => {
      for (const change of [{ role: 'customer' }, { is_active: false }, { role: 'customer' }, { is_active: false }]) {
        // Exactly two active admins: the first one and a fresh second one.
        for (const id of await activeAdmins(account)) {
          if (id !== adminId) await patchUser(account.app, await adminToken(), id, { role: 'customer' });
        }
        const b = await secondAdmin('race');
        const a = await adminToken();
        expect(await activeAdmins(account)).toEqual([adminId, b.id].sort((x, y) => x - y));
        // Both tokens verified once already, so both requests reach the database at the same moment.
        for (const token of [a, b.token]) expect((await getMe(account.app, token)).statusCode).toBe(200);

        const [aOnB, bOnA] = await Promise.all([
          patchUser(account.app, a, b.id, change),
          patchUser(account.app, b.token, adminId, change),
        ]);

        const statuses = [aOnB.statusCode, bOnA.statusCode];
        expect(
          statuses.filter((status) => status === 200),
          `${aOnB.body} ${bOnA.body}`,
        ).toHaveLength(1);
        for (const response of [aOnB, bOnA]) {
          if (response.statusCode !== 200) expect([401, 403, 409]).toContain(response.statusCode);
        }
        expect((await activeAdmins(account)).length).toBeGreaterThanOrEqual(1);
        if (bOnA.statusCode === 200) {
          // The first admin lost: bring her back for the next round through the winner.
          await patchUser(account.app, b.token, adminId, { role: 'admin', is_active: true });
          await patchUser(account.app, await adminToken(), b.id, { role: 'customer' });
        }
      }
    });
  });

  describe(`GET ${REVOCATIONS_PATH}`, () => {
    it('when users were revoked, then it lists each with not_before in whole seconds, without any token', async () => {
      const revoked = await registerUser(account.app, { email: uniqueEmail('listed') });
      const untouched = await registerUser(account.app, { email: uniqueEmail('not-listed') });
      await patchUser(account.app, await adminToken(), revoked.id, { is_active: false });

      const response = await account.app.inject({ method: 'GET', url: REVOCATIONS_PATH });

      expect(response.statusCode, response.body).toBe(200);
      const { items } = response.json() as { items: Array<{ user_id: number; not_before: string }> };
      const validAfter = await tokensValidAfter(account, revoked.id);
      expect(items).toContainEqual({
        user_id: revoked.id,
        not_before: validAfter?.toISOString().replace('.000Z', 'Z'),
      });
      expect(items.map((item) => item.user_id)).not.toContain(untouched.id);
      for (const item of items) expect(item.not_before).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    });

    it('when a revocation is older than an access token’s lifetime plus 60 s, then it is no longer listed', async () => {
      const user = await registerUser(account.app, { email: uniqueEmail('window') });
      await patchUser(account.app, await adminToken(), user.id, { role: 'admin' });
      const validAfter = (await tokensValidAfter(account, user.id))?.getTime() ?? 0;
      const ttl = account.config.ACCESS_TOKEN_TTL;
      const listed = async (at: number) => {
        clock.pinned = new Date(at);
        try {
          const response = await account.app.inject({ method: 'GET', url: REVOCATIONS_PATH });
          return (response.json().items as Array<{ user_id: number }>).some((item) => item.user_id === user.id);
        } finally {
          clock.pinned = undefined;
        }
      };

      expect(await listed(validAfter + (ttl + 59) * 1000)).toBe(true);
      expect(await listed(validAfter + (ttl + 61) * 1000)).toBe(false);
    });

    it('when it is asked for, then the OpenAPI document describes it as unauthenticated and internal', async () => {
      const spec = (await account.app.inject({ method: 'GET', url: '/openapi.json' })).json();

      const operation = spec.paths[REVOCATIONS_PATH]?.get;
      expect(operation?.description).toMatch(/no auth/i);
      expect(operation?.responses?.['200']).toBeDefined();
    });
  });
});
