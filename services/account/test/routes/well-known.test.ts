import { databaseTargets } from '@shop/platform/testing';
import { decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, buildTestAccount, passwordLogin, type TestAccount } from '../helpers.ts';
import { verifyWithJwks } from './support.ts';

/** JWK members that belong to private keys (RFC 7517/7518): none may be published. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];

describe.each(databaseTargets())('discovery on $name', (target) => {
  let account: TestAccount;
  beforeAll(async () => {
    account = await buildTestAccount(target);
  });
  afterAll(() => account.close());

  const get = (url: string) => account.app.inject({ method: 'GET', url });

  describe('GET /.well-known/oauth-authorization-server', () => {
    it('when fetched, then the RFC 8414 metadata names the issuer and endpoints under PUBLIC_URL', async () => {
      const response = await get('/.well-known/oauth-authorization-server');

      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      const metadata = response.json();
      expect(metadata.issuer).toBe(account.config.PUBLIC_URL);
      expect(metadata.token_endpoint).toBe(`${account.config.PUBLIC_URL}/api/auth/token`);
      expect(metadata.jwks_uri).toBe(`${account.config.PUBLIC_URL}/.well-known/jwks.json`);
      expect(metadata.revocation_endpoint).toBe(`${account.config.PUBLIC_URL}/api/auth/revoke`);
    });

    it('when fetched, then grant_types_supported lists exactly the three grants the endpoint serves', async () => {
      const metadata = (await get('/.well-known/oauth-authorization-server')).json();

      expect([...metadata.grant_types_supported].sort()).toEqual(['client_credentials', 'password', 'refresh_token']);
      expect(metadata.token_endpoint_auth_methods_supported).toEqual(
        expect.arrayContaining(['client_secret_basic', 'client_secret_post']),
      );
      expect(metadata.scopes_supported).toEqual(
        expect.arrayContaining(['user:read', 'inventory:reserve', 'analytics:read']),
      );
    });

    it('when the endpoints in the metadata are called, then they exist on this service', async () => {
      const metadata = (await get('/.well-known/oauth-authorization-server')).json();

      const jwks = await get(new URL(metadata.jwks_uri).pathname);
      const token = await account.app.inject({ method: 'POST', url: new URL(metadata.token_endpoint).pathname });

      expect(jwks.statusCode).toBe(200);
      expect(token.statusCode).toBe(400);
      expect(token.json().error).toBe('invalid_request');
    });

    it('when asked with HEAD, then 200 like GET', async () => {
      const response = await account.app.inject({ method: 'HEAD', url: '/.well-known/oauth-authorization-server' });

      expect(response.statusCode).toBe(200);
    });
  });

  describe('GET /.well-known/jwks.json', () => {
    it('when fetched, then it publishes the signing key with kid and alg and no private parts', async () => {
      const response = await get('/.well-known/jwks.json');

      expect(response.statusCode).toBe(200);
      const { keys } = response.json();
      expect(Array.isArray(keys)).toBe(true);
      expect(keys.length).toBeGreaterThanOrEqual(1);
      for (const key of keys) {
        expect(typeof key.kid).toBe('string');
        expect(key).toMatchObject({ alg: 'EdDSA', kty: 'OKP', crv: 'Ed25519', use: 'sig' });
        expect(typeof key.x).toBe('string');
        for (const member of PRIVATE_MEMBERS) expect(key).not.toHaveProperty(member);
      }
    });

    it('when a token is issued, then its kid is in the JWKS and the JWKS verifies it', async () => {
      const tokens = await passwordLogin(account.app, ADMIN.email, ADMIN.password);
      const { keys } = (await get('/.well-known/jwks.json')).json();

      const { kid } = decodeProtectedHeader(tokens.access_token);
      const { payload } = await verifyWithJwks(account.app, tokens.access_token, account.config.PUBLIC_URL);

      expect(keys.map((key: { kid: string }) => key.kid)).toContain(kid);
      expect(payload.email).toBe(ADMIN.email);
    });

    it('when the JWKS is fetched twice, then it serves the same key (no new key per request)', async () => {
      const first = (await get('/.well-known/jwks.json')).json();
      const second = (await get('/.well-known/jwks.json')).json();

      expect(second).toEqual(first);
    });

    it('when asked with HEAD, then 200 like GET', async () => {
      const response = await account.app.inject({ method: 'HEAD', url: '/.well-known/jwks.json' });

      expect(response.statusCode).toBe(200);
    });
  });
});
