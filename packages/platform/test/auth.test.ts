import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type CryptoKey,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  type JWK,
  type JWTPayload,
  SignJWT,
} from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DomainError } from '../src/errors.ts';
import { createHttpApp, type HttpApp } from '../src/http/app.ts';
import {
  createAuth,
  createJwksTokenVerifier,
  createTokenVerifier,
  InvalidTokenError,
  type Principal,
} from '../src/http/auth.ts';
import { RevocationList } from '../src/http/revocations.ts';
import { createLogger } from '../src/logger.ts';

const ISSUER = 'http://localhost:8080';
const AUDIENCE = 'http://localhost:8080/api';

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function signingKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' };
  return { kid, privateKey, publicJwk };
}

async function token(
  key: SigningKey,
  claims: JWTPayload = {},
  options: {
    issuer?: string;
    audience?: string | null;
    typ?: string | null;
    expiresAt?: number | null;
    issuedAt?: number | null;
    subject?: string | null;
  } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const typ = options.typ === null ? {} : { typ: options.typ ?? 'at+jwt' };
  const jwt = new SignJWT({ email: 'ada@example.com', role: 'customer', scope: 'orders:read cart:write', ...claims })
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, ...typ })
    .setIssuer(options.issuer ?? ISSUER)
    .setJti(crypto.randomUUID());
  if (options.audience !== null) jwt.setAudience(options.audience ?? AUDIENCE);
  if (options.issuedAt !== null) jwt.setIssuedAt(options.issuedAt ?? now);
  if (options.expiresAt !== null) jwt.setExpirationTime(options.expiresAt ?? now + 900);
  if (options.subject !== null) jwt.setSubject(options.subject ?? '42');
  return jwt.sign(key.privateKey);
}

const bearer = (value: string) => ({ authorization: `Bearer ${value}` });

describe('createTokenVerifier with createAuth', () => {
  let key: SigningKey;
  let otherKey: SigningKey;
  let impostorKey: SigningKey;
  let app: HttpApp;

  beforeAll(async () => {
    key = await signingKey('key-1');
    otherKey = await signingKey('key-other');
    impostorKey = await signingKey('key-1'); // same kid, different key material
    const verify = createTokenVerifier(createLocalJWKSet({ keys: [key.publicJwk] }), ISSUER);
    const auth = createAuth(verify);
    app = await createHttpApp({ name: 'authtest', logger: createLogger({ name: 'authtest', level: 'silent' }) });
    const principalOf = (request: { principal?: Principal }) => {
      const principal = request.principal;
      return principal
        ? {
            subject: principal.subject,
            email: principal.email ?? null,
            role: principal.role ?? null,
            scopes: [...principal.scopes].sort(),
            client_id: principal.clientId ?? null,
            token_length: principal.token.length,
          }
        : null;
    };
    app.get('/orders', { onRequest: auth.require('orders:read') }, async (request) => principalOf(request));
    app.get('/both', { onRequest: auth.require('orders:read', 'admin') }, async (request) => principalOf(request));
    app.get('/either', { onRequest: auth.requireAny('admin', 'cart:write') }, async (request) => principalOf(request));
    app.get('/signed-in', { onRequest: auth.require() }, async (request) => principalOf(request));
    await app.ready();
  });

  afterAll(async () => {
    await app.close();
  });

  function expect401(response: Awaited<ReturnType<HttpApp['inject']>>, invalidToken: boolean) {
    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const challenge = String(response.headers['www-authenticate']);
    expect(challenge).toMatch(/^Bearer /);
    if (invalidToken) expect(challenge).toContain('error="invalid_token"');
    else expect(challenge).not.toContain('error=');
    return response.json() as { status: number; detail: string };
  }

  it('when there is no Authorization header, then 401 with a WWW-Authenticate Bearer challenge', async () => {
    const response = await app.inject({ method: 'GET', url: '/orders' });
    const body = expect401(response, false);
    expect(body.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="shop"');
  });

  it('when the Authorization header is not a bearer token, then 401 with a Bearer challenge', async () => {
    for (const authorization of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer two words', 'token abc']) {
      const response = await app.inject({ method: 'GET', url: '/orders', headers: { authorization } });
      expect401(response, false);
    }
  });

  it('when the token is garbage, then 401 with error="invalid_token"', async () => {
    for (const garbage of ['garbage', 'a.b.c', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.']) {
      const response = await app.inject({ method: 'GET', url: '/orders', headers: bearer(garbage) });
      expect401(response, true);
    }
  });

  it('when the token has expired, then 401 with error="invalid_token" saying so', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await token(key, {}, { issuedAt: now - 7200, expiresAt: now - 3600 });
    const response = await app.inject({ method: 'GET', url: '/orders', headers: bearer(expired) });
    const body = expect401(response, true);
    expect(body.detail).toMatch(/expired/i);
  });

  it('when the token is signed by a key the set does not hold, then 401', async () => {
    const response = await app.inject({ method: 'GET', url: '/orders', headers: bearer(await token(otherKey)) });
    expect401(response, true);
  });

  it('when the token names a known kid but is signed by another key, then 401', async () => {
    const response = await app.inject({ method: 'GET', url: '/orders', headers: bearer(await token(impostorKey)) });
    expect401(response, true);
  });

  it('when the token comes from another issuer, then 401', async () => {
    const forged = await token(key, {}, { issuer: 'https://evil.example' });
    const response = await app.inject({ method: 'GET', url: '/orders', headers: bearer(forged) });
    expect401(response, true);
  });

  it('when the token has no subject, then 401', async () => {
    const anonymous = await token(key, {}, { subject: null });
    const response = await app.inject({ method: 'GET', url: '/orders', headers: bearer(anonymous) });
    expect401(response, true);
  });

  it('when the token is for another audience or names none, then 401', async () => {
    for (const audience of ['https://other.example/api', null]) {
      const response = await app.inject({
        method: 'GET',
        url: '/orders',
        headers: bearer(await token(key, {}, { audience })),
      });
      expect401(response, true);
    }
  });

  it('when the token is not typed at+jwt (an ID token, or no typ), then 401', async () => {
    for (const typ of ['JWT', null]) {
      const response = await app.inject({
        method: 'GET',
        url: '/orders',
        headers: bearer(await token(key, {}, { typ })),
      });
      expect401(response, true);
    }
    const mediaType = await token(key, {}, { typ: 'application/at+jwt' });
    expect((await app.inject({ method: 'GET', url: '/orders', headers: bearer(mediaType) })).statusCode).toBe(200);
  });

  it('when the token has no exp or no iat, then 401', async () => {
    for (const missing of [{ expiresAt: null }, { issuedAt: null }]) {
      const response = await app.inject({
        method: 'GET',
        url: '/orders',
        headers: bearer(await token(key, {}, missing)),
      });
      expect401(response, true);
    }
  });

  it('when the token says it was issued beyond the clock skew in the future, then 401; within it, 200', async () => {
    const now = Math.floor(Date.now() / 1000);
    const ahead = await token(key, {}, { issuedAt: now + 3600, expiresAt: now + 4500 });
    const body = expect401(await app.inject({ method: 'GET', url: '/orders', headers: bearer(ahead) }), true);
    expect(body.detail).toMatch(/future/);
    const slightlyAhead = await token(key, {}, { issuedAt: now + 5 });
    expect((await app.inject({ method: 'GET', url: '/orders', headers: bearer(slightlyAhead) })).statusCode).toBe(200);
  });

  it('when a valid token lacks the scope, then 403 with error="insufficient_scope"', async () => {
    const limited = await token(key, { scope: 'cart:write' });
    const response = await app.inject({ method: 'GET', url: '/orders', headers: bearer(limited) });
    expect(response.statusCode).toBe(403);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['www-authenticate']).toContain('error="insufficient_scope"');
    expect(response.headers['www-authenticate']).toContain('scope="orders:read"');
    expect(response.json().detail).toContain('orders:read');
  });

  it('when a token has only some of the scopes require() lists, then 403', async () => {
    const response = await app.inject({ method: 'GET', url: '/both', headers: bearer(await token(key)) });
    expect(response.statusCode).toBe(403);
    const admin = await token(key, { scope: 'orders:read admin' });
    expect((await app.inject({ method: 'GET', url: '/both', headers: bearer(admin) })).statusCode).toBe(200);
  });

  it('when a token has one of the scopes requireAny() lists, then 200; with none of them, 403', async () => {
    const withOne = await app.inject({ method: 'GET', url: '/either', headers: bearer(await token(key)) });
    expect(withOne.statusCode).toBe(200);
    const withNone = await token(key, { scope: 'orders:read' });
    const refused = await app.inject({ method: 'GET', url: '/either', headers: bearer(withNone) });
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['www-authenticate']).toContain('error="insufficient_scope"');
  });

  it('when require() lists no scope, then any valid token passes and no token is 401', async () => {
    const unscoped = await token(key, { scope: '' });
    expect((await app.inject({ method: 'GET', url: '/signed-in', headers: bearer(unscoped) })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/signed-in' })).statusCode).toBe(401);
  });

  it('when the token carries the scope, then 200 and request.principal holds its claims', async () => {
    const valid = await token(key, { client_id: 'web' }, { subject: '42' });
    const response = await app.inject({ method: 'GET', url: '/orders', headers: bearer(valid) });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      subject: '42',
      email: 'ada@example.com',
      role: 'customer',
      scopes: ['cart:write', 'orders:read'],
      client_id: 'web',
      token_length: valid.length,
    });
  });

  it('when the token is sent with a lowercase "bearer" scheme, then it is accepted', async () => {
    const valid = await token(key);
    const response = await app.inject({ method: 'GET', url: '/orders', headers: { authorization: `bearer ${valid}` } });
    expect(response.statusCode).toBe(200);
  });
});

describe('createTokenVerifier', () => {
  it('when the user’s sessions are revoked, then tokens issued before are refused, even once cached, and later ones pass', async () => {
    const key = await signingKey('key-r');
    const revocations = new RevocationList();
    const verify = createTokenVerifier(createLocalJWKSet({ keys: [key.publicJwk] }), ISSUER, { revocations });
    const now = Math.floor(Date.now() / 1000);
    const earlier = await token(key, {}, { subject: '7', issuedAt: now - 10 });
    const otherUser = await token(key, {}, { subject: '8', issuedAt: now - 10 });
    const service = await token(key, { client_id: '7' }, { subject: '7', issuedAt: now - 10 });
    await expect(verify(earlier)).resolves.toMatchObject({ subject: '7', issuedAt: now - 10 });

    revocations.revoke(7, new Date((now - 5) * 1000));
    await expect(verify(earlier)).rejects.toThrow(/revoked/);
    await expect(verify(otherUser)).resolves.toMatchObject({ subject: '8' });
    await expect(verify(service)).resolves.toMatchObject({ clientId: '7' });
    const later = await token(key, {}, { subject: '7', issuedAt: now - 5 });
    await expect(verify(later)).resolves.toMatchObject({ subject: '7' });

    // An older revocation arriving late does not undo a newer one.
    revocations.revoke(7, new Date((now - 60) * 1000));
    await expect(verify(earlier)).rejects.toThrow(/revoked/);
  });

  it('when the token is signed with an algorithm outside the allowed list, then InvalidTokenError', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'rsa', alg: 'RS256' };
    const verify = createTokenVerifier(createLocalJWKSet({ keys: [jwk] }), ISSUER);
    const rsaToken = await new SignJWT({ scope: 'x' })
      .setProtectedHeader({ alg: 'RS256', kid: 'rsa', typ: 'at+jwt' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setSubject('1')
      .setExpirationTime('5m')
      .sign(privateKey);
    await expect(verify(rsaToken)).rejects.toBeInstanceOf(InvalidTokenError);
  });
});

describe('createJwksTokenVerifier', () => {
  let server: Server;
  let jwksUrl: string;
  let served: JWK[] = [];
  let fetches = 0;
  let failing = false;

  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url !== '/.well-known/jwks.json') {
        response.writeHead(404).end();
        return;
      }
      fetches += 1;
      if (failing) {
        response.writeHead(500).end('down');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys: served }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('when the JWKS server holds the signing key, then a token verifies and the set is fetched once', async () => {
    const key = await signingKey('jwks-1');
    served = [key.publicJwk];
    fetches = 0;
    const verify = createJwksTokenVerifier({ jwksUrl, issuer: ISSUER });
    const principal = await verify(await token(key, { scope: 'orders:read' }, { subject: '7' }));
    expect(principal.subject).toBe('7');
    expect([...principal.scopes]).toEqual(['orders:read']);
    await verify(await token(key));
    expect(fetches).toBe(1);
  });

  it('when the server starts serving a new key (rotation), then a token with the new kid verifies after a refetch', async () => {
    const oldKey = await signingKey('rotate-old');
    const newKey = await signingKey('rotate-new');
    served = [oldKey.publicJwk];
    fetches = 0;
    const verify = createJwksTokenVerifier({ jwksUrl, issuer: ISSUER });
    expect((await verify(await token(oldKey, {}, { subject: 'old' }))).subject).toBe('old');
    expect(fetches).toBe(1);

    served = [newKey.publicJwk, oldKey.publicJwk];
    // The verifier refetches on an unknown kid once its 30 s cooldown since the last fetch is over.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 31_000);
    const principal = await verify(await token(newKey, {}, { subject: 'new' }));
    expect(principal.subject).toBe('new');
    expect(fetches).toBe(2);
    expect((await verify(await token(oldKey, {}, { subject: 'old' }))).subject).toBe('old');
    expect(fetches).toBe(2);
  });

  it('when tokens name unknown kids right after a fetch, then they are refused without hammering the JWKS server', async () => {
    const key = await signingKey('steady');
    served = [key.publicJwk];
    fetches = 0;
    const verify = createJwksTokenVerifier({ jwksUrl, issuer: ISSUER });
    await verify(await token(key));
    for (let i = 0; i < 5; i += 1) {
      const stranger = await signingKey(`made-up-${i}`);
      await expect(verify(await token(stranger))).rejects.toBeInstanceOf(InvalidTokenError);
    }
    expect(fetches).toBe(1);
  });

  it('when the JWKS server answers 500 and then recovers, then verification is unavailable and then succeeds', async () => {
    const key = await signingKey('flaky');
    served = [key.publicJwk];
    fetches = 0;
    failing = true;
    const verify = createJwksTokenVerifier({ jwksUrl, issuer: ISSUER });
    const error = await verify(await token(key)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('unavailable');
    failing = false;
    expect((await verify(await token(key, {}, { subject: 'back' }))).subject).toBe('back');
  });
});

describe('createJwksTokenVerifier when the key set is out of reach', () => {
  let hanging: Server;
  let hangingUrl: string;
  let closedUrl: string;
  let key: SigningKey;

  beforeAll(async () => {
    key = await signingKey('unreachable');
    hanging = createServer(() => {
      // Accepts the connection and never answers.
    });
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    hangingUrl = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/jwks.json`;
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/jwks.json`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
  });

  afterAll(async () => {
    hanging.closeAllConnections();
    await new Promise<void>((resolve) => hanging.close(() => resolve()));
  });

  it('when the JWKS port is closed, then the verifier rejects with DomainError unavailable', async () => {
    const verify = createJwksTokenVerifier({ jwksUrl: closedUrl, issuer: ISSUER, timeoutMs: 500 });
    const error = await verify(await token(key)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('unavailable');
  });

  it('when the JWKS server never answers, then the verifier gives up within about its timeout as unavailable', async () => {
    const verify = createJwksTokenVerifier({ jwksUrl: hangingUrl, issuer: ISSUER, timeoutMs: 200 });
    const started = Date.now();
    const error = await verify(await token(key)).catch((caught: unknown) => caught);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('unavailable');
  });

  it('when a guarded route cannot reach the key set, then 503 problem+json and not 401 or 500', async () => {
    const app = await createHttpApp({ name: 'authdown', logger: createLogger({ name: 'authdown', level: 'silent' }) });
    const auth = createAuth(createJwksTokenVerifier({ jwksUrl: closedUrl, issuer: ISSUER, timeoutMs: 500 }));
    app.get('/orders', { onRequest: auth.require('orders:read') }, async () => ({ ok: true }));
    try {
      const response = await app.inject({ method: 'GET', url: '/orders', headers: bearer(await token(key)) });
      expect(response.statusCode).toBe(503);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.headers['retry-after']).toBe('1');
      expect(response.body).not.toContain('127.0.0.1');
    } finally {
      await app.close();
    }
  });
});
