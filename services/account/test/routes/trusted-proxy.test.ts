import { randomInt } from 'node:crypto';
import { databaseTargets } from '@shop/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAccountConfig } from '../../src/config.ts';
import { buildTestAccount, type TestAccount } from '../helpers.ts';
import { expectOAuthError, expectProblem, tokenRequest, uniqueEmail } from './support.ts';

// PGlite only: this is about who the client is, not the database.
const target = databaseTargets()[0]!;
const freshIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
const GATEWAY = '127.0.0.1';

describe('who the client is, behind the gateway (TRUST_PROXY=loopback)', () => {
  let account: TestAccount;
  let email: string;
  beforeAll(async () => {
    account = await buildTestAccount(target, {
      config: { TRUST_PROXY: 'loopback', LOGIN_MAX_FAILURES_PER_ACCOUNT: '3', LOGIN_MAX_FAILURES_PER_IP: '50' },
    });
    email = uniqueEmail('proxied');
    const registered = await account.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      remoteAddress: freshIp(),
      payload: { email, name: 'Proxied', password: 'correct-horse-battery' },
    });
    expect(registered.statusCode).toBe(201);
  });
  afterAll(() => account?.close());

  const signIn = (password: string, from: string, forwardedFor?: string) =>
    tokenRequest(
      account.app,
      { grant_type: 'password', username: email, password },
      { remoteAddress: from, headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} },
    );

  it('when the gateway forwards for a client, then the limit counts that client, not the gateway', async () => {
    const [attacker, owner] = [freshIp(), freshIp()];
    for (let i = 0; i < 3; i += 1)
      expectOAuthError(await signIn('wrong-password', GATEWAY, attacker), 400, 'invalid_grant');
    expectProblem(await signIn('correct-horse-battery', GATEWAY, attacker), 429);
    // The owner comes through the same gateway: a different client, never refused for the attacker's failures.
    expect((await signIn('correct-horse-battery', GATEWAY, owner)).statusCode).toBe(200);
  });

  it('when a client that is not the gateway sends its own X-Forwarded-For, then it is ignored: the peer is the client', async () => {
    const [direct, posingAs] = [freshIp(), freshIp()];
    for (let i = 0; i < 3; i += 1) {
      // A new made-up address each time would escape a limit that believed it.
      expectOAuthError(await signIn('wrong-password', direct, freshIp()), 400, 'invalid_grant');
    }
    expectProblem(await signIn('correct-horse-battery', direct, posingAs), 429);
  });
});

describe('TRUST_PROXY settings', () => {
  it.each(['true', 'TRUE', 'perhaps', '10.0.0.0/99'])(
    'when ACCOUNT_TRUST_PROXY=%s, then the service refuses to start, naming it',
    (value) => {
      expect(() => loadAccountConfig({ ACCOUNT_TRUST_PROXY: value })).toThrow(/TRUST_PROXY/);
    },
  );

  it.each(['false', '1', 'loopback', '10.0.0.0/8, 127.0.0.1'])(
    'when ACCOUNT_TRUST_PROXY=%s, then it starts',
    (value) => {
      expect(loadAccountConfig({ ACCOUNT_TRUST_PROXY: value }).TRUST_PROXY).toBe(value);
    },
  );
});
