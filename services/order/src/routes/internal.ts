import type { HttpApp } from '@shop/platform';
import type { OrderContext } from '../context.ts';
import { reservationOutcomes } from '../domain/reservation-outcomes.ts';
import { Outcomes, OutcomesBody, Problem, security } from './schemas.ts';

const tags = ['internal (services only)'];

/** Service-to-service endpoints; the gateway never routes /internal. */
export function internalRoutes(app: HttpApp, ctx: OrderContext): void {
  app.post(
    '/internal/reservations/outcomes',
    {
      schema: {
        tags,
        security,
        summary:
          'What the product service should do with held reservations it is about to expire: commit or release (final)',
        body: OutcomesBody,
        response: { 200: Outcomes, 400: Problem, 401: Problem, 403: Problem },
      },
      onRequest: ctx.auth.require('order:reconcile'),
    },
    async (request) => {
      const outcomes = await reservationOutcomes(
        request.body.reservations.map((item) => ({ reservationId: item.reservation_id, orderRef: item.order_ref })),
        ctx.outcomes,
      );
      return {
        outcomes: outcomes.map((item) => ({ reservation_id: item.reservationId, outcome: item.outcome })),
      };
    },
  );
}
