import { sendError } from '@shop/platform';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { OAuthError } from '../domain/errors.ts';

/**
 * Error handler for the OAuth endpoints: RFC 6749 §5.2 JSON errors instead of
 * problem+json, also for bodies that do not parse. Limits (429), oversized bodies (413)
 * and wrong content types (415) stay problem+json like everywhere else.
 */
export function oauthErrorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
  if (error instanceof OAuthError) return sendOAuthError(reply, error, request);
  const status = (error as FastifyError).statusCode;
  if (status === 400) {
    return sendOAuthError(reply, new OAuthError('invalid_request', 'The request body could not be read.'), request);
  }
  return sendError(error, request, reply);
}

function sendOAuthError(reply: FastifyReply, error: OAuthError, request: FastifyRequest) {
  if (error.code === 'invalid_client') {
    const usedBasic = /^basic /i.test(request.headers.authorization ?? '');
    reply.code(401);
    if (usedBasic) reply.header('www-authenticate', 'Basic realm="shop"');
  } else {
    reply.code(400);
  }
  return reply.type('application/json').send({ error: error.code, error_description: error.description });
}

/** Request parameters as strings; a repeated or non-text parameter is invalid_request (RFC 6749 §3.2). */
export function oauthParams(body: unknown): Record<string, string> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new OAuthError('invalid_request', 'Send the parameters as application/x-www-form-urlencoded.');
  }
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) {
    if (typeof value !== 'string') {
      throw new OAuthError('invalid_request', `The parameter ${key} must be given once, as text.`);
    }
    params[key] = value;
  }
  return params;
}

export function requireParam(params: Record<string, string>, name: string): string {
  const value = params[name];
  if (value === undefined || value === '')
    throw new OAuthError('invalid_request', `The parameter ${name} is required.`);
  return value;
}

/** Client credentials from HTTP Basic (RFC 6749 §2.3.1) or the body; never both. */
export function clientCredentials(
  authorization: string | undefined,
  params: Record<string, string>,
): { clientId: string | undefined; clientSecret: string | undefined } {
  const basic = authorization?.match(/^basic\s+([A-Za-z0-9+/=]+)\s*$/i)?.[1];
  if (basic) {
    if (params.client_secret !== undefined) {
      throw new OAuthError('invalid_request', 'Use one client authentication method, not two.');
    }
    const decoded = Buffer.from(basic, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new OAuthError('invalid_client', 'Malformed HTTP Basic client credentials.');
    try {
      return {
        clientId: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
        clientSecret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')),
      };
    } catch {
      throw new OAuthError('invalid_client', 'Malformed HTTP Basic client credentials.');
    }
  }
  return { clientId: params.client_id, clientSecret: params.client_secret };
}
