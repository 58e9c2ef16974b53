import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { createRemoteJWKSet, type JWTPayload, type JWTVerifyGetKey, errors as joseErrors, jwtVerify } from 'jose';
import { LRUCache } from 'lru-cache';
import { DomainError } from '../errors.ts';
import { HttpProblem } from './problem.ts';
import type { RevocationList } from './revocations.ts';

/** Who is calling, as proven by a verified access token. */
export interface Principal {
  /** The user id (as a string) or, for service clients, the client id. */
  subject: string;
  email: string | undefined;
  role: string | undefined;
  scopes: ReadonlySet<string>;
  /** Set for client_credentials tokens. */
  clientId: string | undefined;
  /** The raw access token, to call another service on the caller's behalf. */
  token: string;
  /** The token's `exp`, in seconds since the epoch. */
  expiresAt: number;
  /** The token's `iat`, in seconds since the epoch: a revocation refuses tokens issued before it. */
  issuedAt: number;
}

/** Verifies an access token; rejects with InvalidTokenError. */
export type TokenVerifier = (token: string) => Promise<Principal>;

export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError';
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

export const ACCESS_TOKEN_ALGORITHMS = ['EdDSA', 'ES256'];
/** RFC 9068 §2.1: the media type access tokens declare in their `typ` header. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';
/** How far ahead of this clock a token's `iat` may be (the signer's clock may run ahead a little). */
export const CLOCK_SKEW_SECONDS = 30;

/** The `aud` of the shop's access tokens: its API, named after the issuer (the public URL). */
export function accessTokenAudience(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/api`;
}

export interface TokenVerifierOptions {
  /** Default: accessTokenAudience(issuer). */
  audience?: string;
  /** Users whose earlier tokens were revoked (deactivation, role or password change). */
  revocations?: RevocationList;
}

/**
 * A verifier for access tokens signed with keys from `getKey` (the account service's own
 * key store, or a remote JWKS): RFC 9068 tokens (`typ: at+jwt`) of this issuer for this
 * audience, with `exp`, `iat` and `sub`, not issued in the future, and not revoked.
 */
export function createTokenVerifier(
  getKey: JWTVerifyGetKey,
  issuer: string,
  options: TokenVerifierOptions = {},
): TokenVerifier {
  const audience = options.audience ?? accessTokenAudience(issuer);
  // A signature verified once stays valid until the token expires, so repeat requests
  // with the same token skip the signature check (the token's own `exp` bounds the entry).
  // Revocation is checked on every use: it can come after the token was cached.
  const verified = new LRUCache<string, Principal>({ max: 10_000, ttlAutopurge: false });
  return async (token) => {
    let principal = verified.get(token);
    if (!principal) {
      principal = await verifyToken(token, getKey, issuer, audience);
      const ttl = principal.expiresAt * 1000 - Date.now();
      if (ttl > 0) verified.set(token, principal, { ttl });
    }
    if (options.revocations?.refuses(principal)) {
      throw new InvalidTokenError('The access token was revoked: sign in again.');
    }
    return principal;
  };
}

async function verifyToken(
  token: string,
  getKey: JWTVerifyGetKey,
  issuer: string,
  audience: string,
): Promise<Principal> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, getKey, {
      issuer,
      audience,
      typ: ACCESS_TOKEN_TYPE,
      algorithms: ACCESS_TOKEN_ALGORITHMS,
      requiredClaims: ['exp', 'iat', 'sub'],
    }));
  } catch (error) {
    if (error instanceof joseErrors.JOSEError) throw new InvalidTokenError(describeJoseError(error));
    throw error;
  }
  if (typeof payload.sub !== 'string') throw new InvalidTokenError('The token has no subject.');
  const issuedAt = payload.iat as number;
  if (issuedAt > Date.now() / 1000 + CLOCK_SKEW_SECONDS) {
    throw new InvalidTokenError('The access token claims to be issued in the future.');
  }
  const scope = typeof payload.scope === 'string' ? payload.scope : '';
  return {
    subject: payload.sub,
    email: typeof payload.email === 'string' ? payload.email : undefined,
    role: typeof payload.role === 'string' ? payload.role : undefined,
    scopes: new Set(scope.split(' ').filter(Boolean)),
    clientId: typeof payload.client_id === 'string' ? payload.client_id : undefined,
    token,
    expiresAt: payload.exp as number,
    issuedAt,
  };
}

/**
 * A verifier for resource services: the account service's JWKS, fetched on first use,
 * cached, and fetched again when a token names a key id it has not seen (key rotation).
 */
export function createJwksTokenVerifier(
  options: {
    jwksUrl: string;
    issuer: string;
    timeoutMs?: number;
  } & TokenVerifierOptions,
): TokenVerifier {
  const jwks = createRemoteJWKSet(new URL(options.jwksUrl), {
    timeoutDuration: options.timeoutMs ?? 2_000,
    cooldownDuration: 30_000,
    cacheMaxAge: 10 * 60_000,
  });
  // The key set being out of reach says nothing about the token: 503, not 401 (or a 500).
  const getKey: JWTVerifyGetKey = async (header, token) => {
    try {
      return await jwks(header, token);
    } catch (error) {
      const fetchProblem =
        !(error instanceof joseErrors.JOSEError) ||
        error instanceof joseErrors.JWKSTimeout ||
        error instanceof joseErrors.JWKSInvalid ||
        error.code === 'ERR_JOSE_GENERIC';
      if (!fetchProblem) throw error;
      throw new DomainError('unavailable', 'The keys that sign access tokens cannot be fetched right now.', {
        retryAfterSeconds: 1,
        cause: error,
      });
    }
  };
  return createTokenVerifier(getKey, options.issuer, options);
}

function describeJoseError(error: InstanceType<typeof joseErrors.JOSEError>): string {
  if (error instanceof joseErrors.JWTExpired) return 'The access token has expired.';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'The access token was signed with an unknown key.';
  return 'The access token is invalid.';
}

export interface Auth {
  /**
   * A hook that lets the request through only with a valid token carrying every one of
   * `scopes` (none: any valid token). 401 with `WWW-Authenticate: Bearer` without a good
   * token, 403 with `error="insufficient_scope"` without the scope.
   */
  require(...scopes: string[]): onRequestAsyncHookHandler;
  /** Like require(), with a choice: the token must carry at least one of `scopes`. */
  requireAny(...scopes: string[]): onRequestAsyncHookHandler;
}

export function createAuth(verify: TokenVerifier, realm = 'shop'): Auth {
  async function authenticate(request: FastifyRequest): Promise<Principal> {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(header.trim()) : null;
    if (!match?.[1]) {
      throw new HttpProblem(401, 'Sign in: this endpoint needs a bearer access token.', {
        code: 'unauthenticated',
        headers: { 'www-authenticate': `Bearer realm="${realm}"` },
      });
    }
    try {
      request.principal = await verify(match[1]);
      return request.principal;
    } catch (error) {
      if (!(error instanceof InvalidTokenError)) throw error;
      throw new HttpProblem(401, error.message, {
        code: 'unauthenticated',
        headers: {
          'www-authenticate': `Bearer realm="${realm}", error="invalid_token", error_description="${error.message}"`,
        },
      });
    }
  }

  function guard(scopes: string[], mode: 'all' | 'any'): onRequestAsyncHookHandler {
    return async (request) => {
      const principal = await authenticate(request);
      if (scopes.length === 0) return;
      const ok =
        mode === 'all' ? scopes.every((s) => principal.scopes.has(s)) : scopes.some((s) => principal.scopes.has(s));
      if (!ok) {
        const needed = scopes.join(' ');
        throw new HttpProblem(403, `This needs the scope ${mode === 'all' ? '' : 'one of '}"${needed}".`, {
          code: 'forbidden',
          headers: { 'www-authenticate': `Bearer realm="${realm}", error="insufficient_scope", scope="${needed}"` },
        });
      }
    };
  }

  return {
    require: (...scopes) => guard(scopes, 'all'),
    requireAny: (...scopes) => guard(scopes, 'any'),
  };
}
