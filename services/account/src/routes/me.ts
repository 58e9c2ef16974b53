import type { HttpApp } from '@shop/platform';
import type { AccountContext } from '../context.ts';
import { updateOwnAccount } from '../domain/manage-users.ts';
import { toView } from '../domain/user.ts';
import { callerOf } from './caller.ts';
import { Problem, UpdateMeBody, User } from './schemas.ts';

const tags = ['account'];
const security = [{ bearer: [] }];

/** The signed-in user's own account; registered behind requireCaller(ctx, 'user'). */
export function meRoutes(app: HttpApp, ctx: AccountContext): void {
  app.get(
    '/api/account/me',
    {
      schema: {
        tags,
        security,
        summary: 'The signed-in user',
        description:
          '401 also when the account was deactivated or the token revoked (a role or password change); 404 for a service client’s token.',
        response: { 200: User, 401: Problem, 404: Problem },
      },
    },
    async (request) => toView(callerOf(request).user),
  );

  app.patch(
    '/api/account/me',
    {
      schema: {
        tags,
        security,
        summary: 'Change your name or password (a new password signs out every session)',
        description:
          'current_password is always required; wrong ones count like failed sign-ins from this address, and over the limit the answer is 429 with Retry-After. A new password revokes every refresh token and every access token issued before it, this one too.',
        body: UpdateMeBody,
        response: { 200: User, 400: Problem, 401: Problem, 404: Problem, 422: Problem, 429: Problem },
      },
    },
    async (request) => {
      const { name, password, current_password: currentPassword } = request.body;
      const user = await updateOwnAccount(
        callerOf(request).userId,
        { name, password, currentPassword, clientIp: request.ip },
        ctx.manageUsers,
      );
      return toView(user);
    },
  );
}
