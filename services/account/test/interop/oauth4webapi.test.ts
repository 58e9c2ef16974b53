import { createServer } from 'node:net';
import { databaseTargets } from '@shop/platform/testing';
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE_SCOPES } from '../../src/domain/scopes.ts';
import { ADMIN, buildTestAccount, ORDER_CLIENT, registerUser, type TestAccount } from '../helpers.ts';

/** A port nobody listens on: bind port 0, read what the OS chose, let it go. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

// Plain http on loopback only: oauth4webapi refuses it unless told per request.
const insecure = { [oauth.allowInsecureRequests]: true } as const;
/** The shop's web front end: a public client, no secret. */
const webClient: oauth.Client = { client_id: 'shop-web' };

// PGlite only: this test is about the protocol, not the database.
const target = databaseTargets()[0]!;

describe(`an independent OAuth 2.0 client (oauth4webapi) against a listening account server on ${target.name}`, () => {
  let account: TestAccount;
  let issuer: URL;
  let as: oauth.AuthorizationServer;
  let jwks: ReturnType<typeof createRemoteJWKSet>;
  let customer: { id: number; email: string; password: string };

  beforeAll(async () => {
    const port = await freePort();
    account = await buildTestAccount(target, { config: { PUBLIC_URL: `http://127.0.0.1:${port}` } });
    await account.app.listen({ host: '127.0.0.1', port });
    issuer = new URL(`http://127.0.0.1:${port}`);
    const response = await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure });
    as = await oauth.processDiscoveryResponse(issuer, response);
    jwks = createRemoteJWKSet(new URL(as.jwks_uri ?? ''));
    customer = await registerUser(account.app, { email: 'interop@example.com', password: 'interop-password-1' });
  });
  afterAll(() => account?.close());

  const verifyAccessToken = (token: string): Promise<JWTPayload> =>
    jwtVerify(token, jwks, { issuer: issuer.href.replace(/\/$/, '') }).then(({ payload }) => payload);

  async function passwordGrant(username: string, password: string): Promise<oauth.TokenEndpointResponse> {
    const response = await oauth.genericTokenEndpointRequest(
      as,
      webClient,
      oauth.None(),
      'password',
      { username, password },
      insecure,
    );
    return oauth.processGenericTokenEndpointResponse(as, webClient, response);
  }

  async function refresh(refreshToken: string): Promise<oauth.TokenEndpointResponse> {
    const response = await oauth.refreshTokenGrantRequest(as, webClient, oauth.None(), refreshToken, insecure);
    return oauth.processRefreshTokenResponse(as, webClient, response);
  }

  it('when the client discovers the server (RFC 8414), then the metadata names this issuer and its endpoints', () => {
    expect(new URL(as.issuer).href).toBe(issuer.href);
    expect(as.token_endpoint).toBe(`${issuer.origin}/api/auth/token`);
    expect(as.revocation_endpoint).toBe(`${issuer.origin}/api/auth/revoke`);
    expect(as.jwks_uri).toBe(`${issuer.origin}/.well-known/jwks.json`);
    expect(as.grant_types_supported).toEqual(
      expect.arrayContaining(['password', 'refresh_token', 'client_credentials']),
    );
  });

  it('when a customer logs in with the password grant, then the access token verifies against the JWKS with their claims', async () => {
    const tokens = await passwordGrant(customer.email, customer.password);
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const claims = await verifyAccessToken(tokens.access_token);
    expect(claims).toMatchObject({
      sub: String(customer.id),
      email: 'interop@example.com',
      role: 'customer',
      scope: ROLE_SCOPES.customer.join(' '),
    });
  });

  it('when the admin logs in, then the verified token carries the admin role and user:write', async () => {
    const tokens = await passwordGrant(ADMIN.email, ADMIN.password);
    const claims = await verifyAccessToken(tokens.access_token);
    expect(claims.role).toBe('admin');
    expect(String(claims.scope).split(' ')).toContain('user:write');
  });

  it('when the password is wrong, then the client library reports the OAuth error invalid_grant', async () => {
    const error = await passwordGrant(customer.email, 'not-the-password').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(oauth.ResponseBodyError);
    expect((error as oauth.ResponseBodyError).error).toBe('invalid_grant');
    expect((error as oauth.ResponseBodyError).status).toBe(400);
  });

  it('when the client refreshes, then it gets a new refresh token and an access token that verifies with the same claims', async () => {
    const login = await passwordGrant(customer.email, customer.password);
    const refreshed = await refresh(login.refresh_token ?? '');
    expect(refreshed.refresh_token).toEqual(expect.any(String));
    expect(refreshed.refresh_token).not.toBe(login.refresh_token);
    const claims = await verifyAccessToken(refreshed.access_token);
    expect(claims).toMatchObject({
      sub: String(customer.id),
      email: 'interop@example.com',
      role: 'customer',
      scope: ROLE_SCOPES.customer.join(' '),
    });
    const reuse = await refresh(login.refresh_token ?? '').catch((e: unknown) => e);
    expect((reuse as oauth.ResponseBodyError).error).toBe('invalid_grant');
  });

  it('when the order service uses client_credentials with HTTP Basic, then its token carries inventory:reserve and no refresh token', async () => {
    const orderClient: oauth.Client = { client_id: ORDER_CLIENT.id };
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      orderClient,
      oauth.ClientSecretBasic(ORDER_CLIENT.secret),
      {},
      insecure,
    );
    const tokens = await oauth.processClientCredentialsResponse(as, orderClient, response);
    expect(tokens.refresh_token).toBeUndefined();
    expect(tokens.scope).toBe(ORDER_CLIENT.scope);
    const claims = await verifyAccessToken(tokens.access_token);
    expect(claims).toMatchObject({ sub: ORDER_CLIENT.id, client_id: ORDER_CLIENT.id, scope: 'inventory:reserve' });
    expect(claims).not.toHaveProperty('role');
  });

  it('when the order client sends the wrong secret, then the client library reports invalid_client', async () => {
    const orderClient: oauth.Client = { client_id: ORDER_CLIENT.id };
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      orderClient,
      oauth.ClientSecretBasic('not-the-secret'),
      {},
      insecure,
    );
    const error = await oauth.processClientCredentialsResponse(as, orderClient, response).catch((e: unknown) => e);
    // 401 with WWW-Authenticate: Basic, which oauth4webapi surfaces as a challenge error.
    expect(error).toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
    expect((error as oauth.WWWAuthenticateChallengeError).status).toBe(401);
  });

  it('when the client revokes its refresh token (RFC 7009), then the refresh token no longer works', async () => {
    const login = await passwordGrant(customer.email, customer.password);
    const response = await oauth.revocationRequest(as, webClient, oauth.None(), login.refresh_token ?? '', insecure);
    await expect(oauth.processRevocationResponse(response)).resolves.toBeUndefined();
    const error = await refresh(login.refresh_token ?? '').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(oauth.ResponseBodyError);
    expect((error as oauth.ResponseBodyError).error).toBe('invalid_grant');
  });

  it("when one session's refresh token is revoked, then another session of the same user keeps working", async () => {
    const phone = await passwordGrant(customer.email, customer.password);
    const laptop = await passwordGrant(customer.email, customer.password);
    const response = await oauth.revocationRequest(as, webClient, oauth.None(), phone.refresh_token ?? '', insecure);
    await oauth.processRevocationResponse(response);
    const refreshed = await refresh(laptop.refresh_token ?? '');
    expect(await verifyAccessToken(refreshed.access_token)).toMatchObject({ sub: String(customer.id) });
  });
});
