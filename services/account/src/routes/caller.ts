import { HttpProblem } from '@shop/platform';
import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { AccountContext } from '../context.ts';
import { type Caller, type CallerNeed, CallerRefused, checkCaller } from '../domain/sessions.ts';
import type { User } from '../domain/user.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller's current row, as the caller guard checked it. */
    caller?: User;
  }
}

/**
 * The onRequest hook of every route that acts as a signed-in user (/me) or an admin
 * (/users): a valid token, and then the caller's *current* row must let it act (see
 * checkCaller). A token outlives changes to its user; the row does not. Routes add their
 * scope checks after it.
 */
export function requireCaller(ctx: AccountContext, need: CallerNeed): onRequestAsyncHookHandler {
  const token = ctx.auth.require();
  return async function guard(this: FastifyInstance, request, reply) {
    await token.call(this, request, reply);
    const principal = request.principal;
    if (!principal) return;
    if (principal.clientId !== undefined) throw serviceClient(need);
    try {
      request.caller = checkCaller(
        await ctx.manageUsers.users.findById(userIdOf(principal.subject)),
        principal.issuedAt,
        need,
      );
    } catch (error) {
      throw asHttpProblem(error);
    }
  };
}

/** Who the guard let through: the user and the `iat` of their token. */
export function callerOf(request: FastifyRequest): Caller & { user: User } {
  const user = request.caller;
  if (!user || !request.principal) throw new Error('the route has no caller guard');
  return { userId: user.id, issuedAt: request.principal.issuedAt, user };
}

/**
 * A refusal as the client sees it: 401 with the RFC 6750 challenge when the token no
 * longer counts, 403 when the user is no admin now. Anything else passes unchanged.
 */
export function asHttpProblem(error: unknown): unknown {
  if (!(error instanceof CallerRefused)) return error;
  if (error.code === 'forbidden') {
    return new HttpProblem(403, error.message, {
      code: 'forbidden',
      headers: { 'www-authenticate': `Bearer realm="shop", error="insufficient_scope"` },
    });
  }
  return new HttpProblem(401, error.message, {
    code: 'unauthenticated',
    headers: {
      'www-authenticate': `Bearer realm="shop", error="invalid_token", error_description="${error.message}"`,
    },
  });
}

/** A client_credentials token names a service: it has no account and administers nothing. */
function serviceClient(need: CallerNeed): HttpProblem {
  return need === 'admin'
    ? new HttpProblem(403, 'Service clients cannot administer users.', { code: 'forbidden' })
    : new HttpProblem(404, 'A service client has no account.', { code: 'not_found' });
}

function userIdOf(subject: string): number {
  const id = Number(subject);
  return Number.isSafeInteger(id) && id > 0 ? id : 0;
}
