import type { HttpApp } from '@shop/platform';
import type { AccountContext } from '../context.ts';
import { clientCredentialsGrant } from '../domain/client-credentials.ts';
import { OAuthError } from '../domain/errors.ts';
import { passwordGrant } from '../domain/password-grant.ts';
import { refreshGrant, revokeRefreshToken } from '../domain/refresh-grant.ts';
import type { TokenResponse as TokenResponseBody } from '../domain/tokens.ts';
import { clientCredentials, oauthErrorHandler, oauthParams, requireParam } from './oauth-errors.ts';
import { LoginRequest, OAuthErrorResponse, Problem, RevokeRequest, TokenRequest, TokenResponse } from './schemas.ts';

const FORM = 'application/x-www-form-urlencoded';
const tags = ['auth'];

/** The OAuth 2.0 endpoints: they take form bodies (RFC 6749), so they run in a scope that parses forms. */
export function authRoutes(app: HttpApp, ctx: AccountContext): void {
  app.post(
    '/api/auth/token',
    {
      schema: {
        tags,
        summary: 'OAuth 2.0 token endpoint (password, refresh_token, client_credentials)',
        consumes: [FORM],
        body: TokenRequest,
        response: { 200: TokenResponse, 400: OAuthErrorResponse, 401: OAuthErrorResponse, 429: Problem },
      },
      attachValidation: true,
      errorHandler: oauthErrorHandler,
    },
    async (request, reply) => {
      // RFC 6749 §3.2: the token endpoint takes form parameters only (JSON is /api/auth/login).
      const mediaType = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
      if (mediaType !== undefined && mediaType !== FORM) {
        throw new OAuthError('invalid_request', 'Send the parameters as application/x-www-form-urlencoded.');
      }
      const params = oauthParams(request.body);
      const response = await grant(params, request.headers.authorization, request.ip, ctx);
      return reply.header('cache-control', 'no-store').header('pragma', 'no-cache').send(response);
    },
  );

  app.post(
    '/api/auth/login',
    {
      schema: {
        tags,
        summary: 'Sign in with e-mail and password (the password grant; form or JSON)',
        consumes: [FORM, 'application/json'],
        body: LoginRequest,
        response: { 200: TokenResponse, 400: OAuthErrorResponse, 429: Problem },
      },
      attachValidation: true,
      errorHandler: oauthErrorHandler,
    },
    async (request, reply) => {
      const params = oauthParams(request.body);
      if (params.grant_type !== undefined && params.grant_type !== 'password') {
        throw new OAuthError('unsupported_grant_type', 'The login endpoint takes the password grant only.');
      }
      const response = await passwordGrant(
        {
          email: params.email ?? requireParam(params, 'username'),
          password: requireParam(params, 'password'),
          scope: params.scope,
          clientIp: request.ip,
        },
        ctx.passwordGrant,
      );
      return reply.header('cache-control', 'no-store').header('pragma', 'no-cache').send(response);
    },
  );

  app.post(
    '/api/auth/revoke',
    {
      schema: {
        tags,
        summary: 'Revoke a refresh token (RFC 7009); always 200',
        consumes: [FORM],
        body: RevokeRequest,
        response: { 200: { type: 'object', properties: {} }, 400: OAuthErrorResponse },
      },
      attachValidation: true,
      errorHandler: oauthErrorHandler,
    },
    async (request) => {
      const params = oauthParams(request.body);
      await revokeRefreshToken(requireParam(params, 'token'), ctx.refreshGrant);
      return {};
    },
  );
}

async function grant(
  params: Record<string, string>,
  authorization: string | undefined,
  clientIp: string,
  ctx: AccountContext,
): Promise<TokenResponseBody> {
  const grantType = requireParam(params, 'grant_type');
  switch (grantType) {
    case 'password':
      return passwordGrant(
        {
          email: requireParam(params, 'username'),
          password: requireParam(params, 'password'),
          scope: params.scope,
          clientIp,
        },
        ctx.passwordGrant,
      );
    case 'refresh_token':
      return refreshGrant(
        { refreshToken: requireParam(params, 'refresh_token'), scope: params.scope },
        ctx.refreshGrant,
      );
    case 'client_credentials':
      return clientCredentialsGrant(
        { ...clientCredentials(authorization, params), scope: params.scope },
        ctx.clientCredentials,
      );
    default:
      throw new OAuthError(
        'unsupported_grant_type',
        `The grant type "${grantType.slice(0, 64)}" is not supported; use password, refresh_token or client_credentials.`,
      );
  }
}
