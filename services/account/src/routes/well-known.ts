import type { HttpApp } from '@shop/platform';
import { Type } from 'typebox';
import type { AccountContext } from '../context.ts';

const tags = ['discovery'];

export function wellKnownRoutes(app: HttpApp, ctx: AccountContext): void {
  const base = ctx.publicUrl.replace(/\/+$/, '');
  const metadata = {
    issuer: base,
    token_endpoint: `${base}/api/auth/token`,
    revocation_endpoint: `${base}/api/auth/revoke`,
    jwks_uri: `${base}/.well-known/jwks.json`,
    grant_types_supported: ['password', 'refresh_token', 'client_credentials'],
    response_types_supported: [],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    revocation_endpoint_auth_methods_supported: ['none'],
    scopes_supported: [
      'product:read',
      'product:write',
      'inventory:write',
      'inventory:reserve',
      'cart:write',
      'order:read',
      'order:create',
      'order:read-all',
      'order:write',
      'user:read',
      'user:write',
      'analytics:read',
    ],
    token_endpoint_auth_signing_alg_values_supported: [],
    service_documentation: `${base}/docs`,
  };

  app.get(
    '/.well-known/oauth-authorization-server',
    {
      schema: {
        tags,
        summary: 'OAuth 2.0 authorization server metadata (RFC 8414)',
        response: { 200: Type.Object({}, { additionalProperties: true }) },
      },
    },
    async (_request, reply) => reply.header('cache-control', 'public, max-age=300').send(metadata),
  );

  app.get(
    '/.well-known/jwks.json',
    {
      schema: {
        tags,
        summary: 'Public keys that verify access tokens',
        response: {
          200: Type.Object({ keys: Type.Array(Type.Object({}, { additionalProperties: true })) }),
        },
      },
    },
    async (_request, reply) => reply.header('cache-control', 'public, max-age=60').send(await ctx.keyRing.jwks()),
  );
}
