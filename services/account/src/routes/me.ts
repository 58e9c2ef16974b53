import type { HttpApp } from '@shop/platform';
import type { AccountContext } from '../context.ts';
import { getUser, updateOwnAccount } from '../domain/manage-users.ts';
import { toView } from '../domain/user.ts';
import { Problem, UpdateMeBody, User } from './schemas.ts';

const tags = ['account'];
const security = [{ bearer: [] }];

export function meRoutes(app: HttpApp, ctx: AccountContext): void {
  app.get(
    '/api/account/me',
    {
      schema: { tags, security, summary: 'The signed-in user', response: { 200: User, 401: Problem, 404: Problem } },
      onRequest: ctx.auth.require(),
    },
    async (request) => toView(await getUser(userIdOf(request.principal?.subject), ctx.manageUsers)),
  );

  app.patch(
    '/api/account/me',
    {
      schema: {
        tags,
        security,
        summary: 'Change your name or password (a new password signs out every session)',
        body: UpdateMeBody,
        response: { 200: User, 400: Problem, 401: Problem, 404: Problem, 422: Problem },
      },
      onRequest: ctx.auth.require(),
    },
    async (request) => {
      const { name, password, current_password: currentPassword } = request.body;
      const user = await updateOwnAccount(
        userIdOf(request.principal?.subject),
        { name, password, currentPassword },
        ctx.manageUsers,
      );
      return toView(user);
    },
  );
}

/** Service tokens have a client id as subject: they have no "me", so they are not found. */
function userIdOf(subject: string | undefined): number {
  const id = Number(subject);
  return Number.isSafeInteger(id) && id > 0 ? id : 0;
}
