import type { HttpApp } from '@shop/platform';
import type { AccountContext } from '../context.ts';
import { register } from '../domain/register.ts';
import { toView } from '../domain/user.ts';
import { Problem, RegisterBody, User } from './schemas.ts';

const tags = ['auth'];

export function registerRoutes(app: HttpApp, ctx: AccountContext): void {
  app.post(
    '/api/auth/register',
    {
      schema: {
        tags,
        summary: 'Register a customer account',
        description:
          'Every attempt counts against the client IP’s allowance (REGISTRATION_MAX_PER_IP per REGISTRATION_WINDOW); over it, 429 with Retry-After.',
        body: RegisterBody,
        response: { 201: User, 400: Problem, 409: Problem, 422: Problem, 429: Problem },
      },
    },
    async (request, reply) => {
      const user = await register({ ...request.body, clientIp: request.ip }, ctx.register);
      return reply.code(201).send(toView(user));
    },
  );
}
