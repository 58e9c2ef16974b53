import { decodeCursor, encodeCursor, type HttpApp, PageQuery } from '@shop/platform';
import { Type } from 'typebox';
import type { AccountContext } from '../context.ts';
import { adminUpdateUser, getUser } from '../domain/manage-users.ts';
import { toView } from '../domain/user.ts';
import { AdminUpdateUserBody, NO_NUL, Problem, User, UserIdParams, UserPage } from './schemas.ts';

const tags = ['users (admin)'];
const security = [{ bearer: [] }];

const ListQuery = Type.Object({
  email: Type.Optional(
    Type.String({ minLength: 1, maxLength: 254, pattern: NO_NUL, description: 'Part of the e-mail address' }),
  ),
  ...PageQuery,
});

const isAfterCursor = (value: Record<string, unknown>): value is { after: number } =>
  Number.isSafeInteger(value.after) && (value.after as number) > 0;

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
      const afterId = cursor ? decodeCursor(cursor, isAfterCursor).after : undefined;
      const page = await ctx.manageUsers.users.list({ emailContains: email?.toLowerCase(), afterId, limit });
      return {
        items: page.users.map(toView),
        next_cursor: page.nextAfterId === null ? null : encodeCursor({ after: page.nextAfterId }),
      };
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
        summary: 'Change a user’s role or active flag (deactivating signs the user out)',
        params: UserIdParams,
        body: AdminUpdateUserBody,
        response: { 200: User, 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem },
      },
      onRequest: ctx.auth.require('user:write'),
    },
    async (request) => {
      const { role, is_active: isActive } = request.body;
      return toView(await adminUpdateUser(request.params.id, { role, isActive }, ctx.manageUsers));
    },
  );
}
