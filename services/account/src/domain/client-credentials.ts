import { createHash, timingSafeEqual } from 'node:crypto';
import { OAuthError } from './errors.ts';
import type { AccessTokenSigner, ServiceClientRegistration } from './ports.ts';
import { narrowScopes } from './scopes.ts';
import type { TokenResponse } from './tokens.ts';

export interface ClientCredentialsDeps {
  clients: ReadonlyArray<ServiceClientRegistration>;
  signer: AccessTokenSigner;
  accessTokenTtlSeconds: number;
}

/**
 * The client_credentials grant for service-to-service calls: a registered client with
 * the right secret gets an access token with its scopes (or the subset it asks for),
 * and no refresh token.
 */
export async function clientCredentialsGrant(
  request: { clientId: string | undefined; clientSecret: string | undefined; scope?: string },
  deps: ClientCredentialsDeps,
): Promise<TokenResponse> {
  const client = authenticateClient(request.clientId, request.clientSecret, deps.clients);
  const { scopes, refused } = narrowScopes(client.scopes, request.scope);
  if (refused.length > 0)
    throw new OAuthError('invalid_scope', `Scopes not granted to this client: ${refused.join(' ')}.`);
  const accessToken = await deps.signer.sign(
    { client_id: client.id, scope: scopes.join(' ') },
    client.id,
    deps.accessTokenTtlSeconds,
  );
  return {
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: deps.accessTokenTtlSeconds,
    scope: scopes.join(' '),
  };
}

function authenticateClient(
  id: string | undefined,
  secret: string | undefined,
  clients: ReadonlyArray<ServiceClientRegistration>,
): ServiceClientRegistration {
  if (!id || secret === undefined) throw new OAuthError('invalid_client', 'Client authentication is required.');
  const client = clients.find((candidate) => candidate.id === id);
  const expected = Buffer.from(client?.secretHash ?? '0'.repeat(64), 'hex');
  const given = createHash('sha256').update(secret).digest();
  const secretOk = expected.length === given.length && timingSafeEqual(expected, given);
  if (!client || !secretOk) throw new OAuthError('invalid_client', 'Unknown client or wrong secret.');
  return client;
}

/**
 * Parses `OAUTH_CLIENTS`: comma-separated `id:secret:scope scope` entries, for example
 * `order:s3cret:inventory:reserve`. The scopes are everything after the second colon.
 */
export function parseClientRegistrations(value: string): ServiceClientRegistration[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const first = entry.indexOf(':');
      const second = entry.indexOf(':', first + 1);
      if (first <= 0 || second <= first + 1) {
        throw new Error(`OAUTH_CLIENTS entry "${entry.split(':')[0]}" must look like id:secret:scopes`);
      }
      return {
        id: entry.slice(0, first),
        secretHash: createHash('sha256')
          .update(entry.slice(first + 1, second))
          .digest('hex'),
        scopes: entry
          .slice(second + 1)
          .split(/\s+/)
          .filter(Boolean),
      };
    });
}
