import { randomInt } from 'node:crypto';
import type { HttpApp } from '@shop/platform';
import { databaseTargets, testServers } from '@shop/platform/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, buildTestAccount, registerUser, type TestAccount } from '../helpers.ts';
import { expectOAuthError, expectProblem, tokenRequest, uniqueEmail } from './support.ts';

// PGlite only: these tests are about the counters, memory or Redis, not the database.
const target = databaseTargets()[0]!;
const redisUrl = testServers().redisUrl;
if (redisUrl === null) console.warn('account limit (redis) tests skipped: Redis is not reachable for this run');

/** An address no other run uses, so counters kept in a shared Redis never mix. */
const freshIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

const stores = [
  { name: 'memory', redis: false },
  { name: 'redis', redis: true },
].filter((store) => !store.redis || redisUrl !== null);

describe.each(stores)('sign-in and registration limits in $name', (store) => {
  let redis: Redis | undefined;
  let account: TestAccount;
  beforeAll(async () => {
    if (store.redis) {
      redis = new Redis(redisUrl ?? '', { lazyConnect: true, maxRetriesPerRequest: 1 });
      await redis.connect();
    }
    account = await buildTestAccount(target, {
      redis,
      config: { LOGIN_MAX_FAILURES_PER_ACCOUNT: '10', LOGIN_MAX_FAILURES_PER_IP: '25', REGISTRATION_MAX_PER_IP: '3' },
    });
  });
  afterAll(async () => {
    await account?.close();
    await redis?.quit();
  });

  /** A customer registered from an address of its own, so the registration limit stays out of the way. */
  const customer = (label: string) =>
    account.app
      .inject({
        method: 'POST',
        url: '/api/auth/register',
        remoteAddress: freshIp(),
        payload: { email: uniqueEmail(label), name: 'Limited', password: 'correct-horse-battery' },
      })
      .then((response) => {
        expect(response.statusCode, response.body).toBe(201);
        return { ...(response.json() as { id: number; email: string }), password: 'correct-horse-battery' };
      });

  describe('login failures per (account, client IP)', () => {
    it('when IP A fails 10 times on an account, then the right password from IP B gets 200, and from A 429 with Retry-After', async () => {
      const victim = await customer('victim');
      const [a, b] = [freshIp(), freshIp()];
      for (let i = 0; i < 10; i += 1) {
        expectOAuthError(await signIn(account.app, victim.email, 'wrong-password', a), 400, 'invalid_grant');
      }

      const fromB = await signIn(account.app, victim.email, victim.password, b);
      const fromA = await signIn(account.app, victim.email, victim.password, a);

      expect(fromB.statusCode, fromB.body).toBe(200);
      expectProblem(fromA, 429);
      const retryAfter = Number(fromA.headers['retry-after']);
      expect(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 900).toBe(true);
    });

    it('when IP B signs in successfully, then IP A’s failures on the same account are kept', async () => {
      const user = await customer('kept');
      const [a, b] = [freshIp(), freshIp()];
      for (let i = 0; i < 10; i += 1) await signIn(account.app, user.email, 'wrong-password', a);

      expect((await signIn(account.app, user.email, user.password, b)).statusCode).toBe(200);

      expectProblem(await signIn(account.app, user.email, user.password, a), 429);
    });

    it('when an IP signs in successfully after 9 failures, then its count for that account starts again', async () => {
      const user = await customer('reset');
      const a = freshIp();
      for (let i = 0; i < 9; i += 1) await signIn(account.app, user.email, 'wrong-password', a);
      expect((await signIn(account.app, user.email, user.password, a)).statusCode).toBe(200);
      for (let i = 0; i < 9; i += 1) await signIn(account.app, user.email, 'wrong-password', a);

      expect((await signIn(account.app, user.email, user.password, a)).statusCode).toBe(200);
    });
  });

  describe('login failures per client IP', () => {
    it('when one IP fails 25 times across accounts, then it gets 429 for a fresh account too, and another IP does not', async () => {
      const attacker = freshIp();
      for (let i = 0; i < 25; i += 1) {
        await signIn(account.app, uniqueEmail(`spray-${i}`), 'wrong-password', attacker);
      }
      const fresh = await customer('sprayed');

      expectProblem(await signIn(account.app, fresh.email, fresh.password, attacker), 429);
      expect((await signIn(account.app, fresh.email, fresh.password, freshIp())).statusCode).toBe(200);
    });
  });

  describe('wrong current passwords on PATCH /api/account/me', () => {
    it('when they reach the limit from one IP, then 429 with Retry-After even with the right one (checked before verifying), and sign-in from that IP too', async () => {
      const user = await customer('me-guess');
      const [a, b] = [freshIp(), freshIp()];
      const token = (await signIn(account.app, user.email, user.password, b)).json().access_token as string;
      const patchMe = (currentPassword: string, ip: string) =>
        account.app.inject({
          method: 'PATCH',
          url: '/api/account/me',
          headers: bearer(token),
          remoteAddress: ip,
          payload: { name: 'Guessed', current_password: currentPassword },
        });
      for (let i = 0; i < 10; i += 1) expectProblem(await patchMe(`guess-${i}-password`, a), 422);

      const refused = await patchMe(user.password, a);
      const elsewhere = await patchMe(user.password, b);

      expectProblem(refused, 429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(elsewhere.statusCode, elsewhere.body).toBe(200);
      expectProblem(await signIn(account.app, user.email, user.password, a), 429);
    });

    it('when failed sign-ins reached the limit, then PATCH /me from that IP is refused too', async () => {
      const user = await customer('login-then-me');
      const [a, b] = [freshIp(), freshIp()];
      const token = (await signIn(account.app, user.email, user.password, b)).json().access_token as string;
      for (let i = 0; i < 10; i += 1) await signIn(account.app, user.email, 'wrong-password', a);

      const response = await account.app.inject({
        method: 'PATCH',
        url: '/api/account/me',
        headers: bearer(token),
        remoteAddress: a,
        payload: { name: 'Too Late', current_password: user.password },
      });

      expectProblem(response, 429);
    });
  });

  describe('registrations per client IP', () => {
    const registerFrom = (ip: string, email: string, password = 'correct-horse-battery') =>
      account.app.inject({
        method: 'POST',
        url: '/api/auth/register',
        remoteAddress: ip,
        payload: { email, name: 'Many', password },
      });

    it('when an IP has made 3 attempts (refused ones count), then the 4th is 429 problem+json with Retry-After, and another IP may register', async () => {
      const ip = freshIp();
      const taken = uniqueEmail('taken');
      expect((await registerFrom(ip, taken)).statusCode).toBe(201);
      expect((await registerFrom(ip, taken)).statusCode).toBe(409);
      const weak = uniqueEmail('weak');
      expect((await registerFrom(ip, weak, weak)).statusCode).toBe(422);

      const refused = await registerFrom(ip, uniqueEmail('fourth'));
      const elsewhere = await registerFrom(freshIp(), uniqueEmail('elsewhere'));

      expectProblem(refused, 429);
      const retryAfter = Number(refused.headers['retry-after']);
      expect(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 3600).toBe(true);
      expect(elsewhere.statusCode, elsewhere.body).toBe(201);
    });
  });
});

describe('limits shared by two replicas through Redis', () => {
  it.runIf(redisUrl !== null)(
    'when failures from one IP are spread over two replicas, then the second replica refuses that IP too',
    async () => {
      const connect = async () => {
        const client = new Redis(redisUrl ?? '', { lazyConnect: true, maxRetriesPerRequest: 1 });
        await client.connect();
        return client;
      };
      const [redisA, redisB] = [await connect(), await connect()];
      const config = { LOGIN_MAX_FAILURES_PER_ACCOUNT: '4' };
      const replicaA = await buildTestAccount(target, { redis: redisA, config });
      const replicaB = await buildTestAccount(target, { redis: redisB, config });
      try {
        // Both replicas see the same user: register it on each database with the same e-mail.
        const email = uniqueEmail('replicated');
        await registerUser(replicaA.app, { email });
        await registerUser(replicaB.app, { email });
        const ip = freshIp();
        for (const replica of [replicaA, replicaB, replicaA, replicaB]) {
          await signIn(replica.app, email, 'wrong-password', ip);
        }

        expectProblem(await signIn(replicaB.app, email, 'correct-horse-battery', ip), 429);
        expect((await signIn(replicaB.app, email, 'correct-horse-battery', freshIp())).statusCode).toBe(200);
      } finally {
        await replicaA.close();
        await replicaB.close();
        await redisA.quit();
        await redisB.quit();
      }
    },
  );
});

function signIn(app: HttpApp, email: string, password: string, ip: string) {
  return tokenRequest(app, { grant_type: 'password', username: email, password }, { remoteAddress: ip });
}
