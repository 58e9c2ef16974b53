import { REVOCATIONS_PATH, RevocationList } from '@shop/contracts';
import type { HttpApp } from '@shop/platform';
import type { AccountContext } from '../context.ts';
import { recentRevocations } from '../domain/revocations.ts';

const tags = ['internal (services only)'];

/** Endpoints for the other services; the gateway never routes /internal/*. */
export function internalRoutes(app: HttpApp, ctx: AccountContext): void {
  app.get(
    REVOCATIONS_PATH,
    {
      schema: {
        tags,
        summary: 'Users whose access tokens issued before not_before are refused',
        description:
          'Every user revoked (deactivated, role or password changed) recently enough that a token issued before it could still be unexpired: not_before later than now − ACCESS_TOKEN_TTL − 60 s. Each service’s token guard loads it at start, then follows account.user_sessions_revoked. No auth: it lists user ids and times only, and the gateway never routes /internal/*, so only the services’ own network reaches it.',
        response: { 200: RevocationList },
      },
    },
    async (_request, reply) =>
      reply.header('cache-control', 'no-store').send({ items: await recentRevocations(ctx.revocations) }),
  );
}
