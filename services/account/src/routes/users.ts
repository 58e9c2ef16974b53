import { type HttpApp, keysetCursor, PageQuery } from '@shop/platform';
import { Type } from 'typebox';
import type { AccountContext } from '../context.ts';
import { adminUpdateUser, getUser } from '../domain/manage-users.ts';
import { toView } from '../domain/user.ts';
import { asHttpProblem, callerOf } from './caller.ts';
import { AdminUpdateUserBody, NO_NUL, Problem, User, UserIdParams, UserPage } from './schemas.ts';

const tags = ['users (admin)'];
const security = [{ bearer: [] }];

const ListQuery = Type.Object({
  email: Type.Optional(
    Type.String({ minLength: 1, maxLength: 254, pattern: NO_NUL, description: 'Part of the e-mail address' }),
  ),
  ...PageQuery,
});

/** The list has one order: oldest first, by creation time then id. */
const userCursor = keysetCursor({ oldest: 'timestamp' });

/** Admin routes; registered behind requireCaller(ctx, 'admin'), so the caller is an admin now. */
export function userRoutes(app: HttpApp, ctx: AccountContext): void {
  app.get(
    '/api/account/users',
    {
      schema: {
        tags,
        security,
        summary: 'List users, oldest first',
        querystring: ListQuery,
        response: { 200: UserPage, 400: Problem, 401: Problem, 403: Problem },
      },
      onRequest: ctx.auth.require('user:read'),
    },
    async (request) => {
      const { email, limit, cursor } = request.query;
      const position = cursor ? userCursor.decode(cursor, 'oldest') : undefined;
      const after = position ? { createdAt: position.value, id: position.id } : undefined;
      const page = await ctx.manageUsers.users.list({ emailContains: email?.toLowerCase(), after, limit });
      const next = page.next ? userCursor.encode('oldest', { value: page.next.createdAt, id: page.next.id }) : null;
      return { items: page.users.map(toView), next_cursor: next };
    },
  );

  app.get(
    '/api/account/users/:id',
    {
      schema: {
        tags,
        security,
        summary: 'One user',
        params: UserIdParams,
        response: { 200: User, 400: Problem, 401: Problem, 403: Problem, 404: Problem },
      },
      onRequest: ctx.auth.require('user:read'),
    },
    async (request) => toView(await getUser(request.params.id, ctx.manageUsers)),
  );

  app.patch(
    '/api/account/users/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Change a user’s role or active flag (deactivating or a new role signs the user out)',
        description:
          'A deactivation or a role change revokes the user’s refresh tokens and every access token issued before it, and announces account.user_sessions_revoked. An admin cannot demote or deactivate themselves (422), and the last active admin is never removed (409).',
        params: UserIdParams,
        body: AdminUpdateUserBody,
        response: { 200: User, 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem },
      },
      onRequest: ctx.auth.require('user:write'),
    },
    async (request) => {
      const { role, is_active: isActive } = request.body;
      const actor = callerOf(request);
      try {
        return toView(await adminUpdateUser(actor, request.params.id, { role, isActive }, ctx.manageUsers));
      } catch (error) {
        // The actor is checked again under the admins' lock: a concurrent change may have removed them.
        throw asHttpProblem(error);
      }
    },
  );
}
