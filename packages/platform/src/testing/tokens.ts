import { createLocalJWKSet, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { ACCESS_TOKEN_TYPE, accessTokenAudience, createTokenVerifier, type TokenVerifier } from '../http/auth.ts';
import type { RevocationList } from '../http/revocations.ts';

/** The scopes of each role (services/account/src/domain/scopes.ts) and of the order service's client, for test tokens. */
export const TEST_SCOPES = {
  customer: 'product:read cart:write order:read order:create',
  admin:
    'product:read cart:write order:read order:create product:write inventory:write order:read-all order:write user:read user:write analytics:read',
  orderService: 'inventory:reserve',
};

export interface TestSigningKey {
  /** Accepts tokens signed by `sign`, as a service's JWKS verifier would. */
  verifier: TokenVerifier;
  sign(
    claims: { sub?: string; scope: string; role?: string; email?: string; iat?: number },
    expiresIn?: string,
  ): Promise<string>;
}

/** A signing key of the test's own, standing in for the account service and its JWKS. */
export async function testSigningKey(
  issuer: string,
  options: { revocations?: RevocationList } = {},
): Promise<TestSigningKey> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'EdDSA' };
  return {
    verifier: createTokenVerifier(createLocalJWKSet({ keys: [jwk] }), issuer, options),
    sign: (claims, expiresIn = '15m') =>
      new SignJWT({ scope: claims.scope, role: claims.role, email: claims.email })
        .setProtectedHeader({ alg: 'EdDSA', kid: 'test-key', typ: ACCESS_TOKEN_TYPE })
        .setIssuer(issuer)
        .setAudience(accessTokenAudience(issuer))
        .setSubject(claims.sub ?? '1')
        .setIssuedAt(claims.iat)
        .setExpirationTime(expiresIn)
        .sign(privateKey),
  };
}
