import { NewReservation, RESERVATIONS_PATH, ReservationView } from '@shop/contracts';
import type { HttpApp } from '@shop/platform';
import type { ProductContext } from '../context.ts';
import { getProductForService } from '../domain/catalog.ts';
import { commitReservation, getReservation, releaseReservation, reserve } from '../domain/inventory.ts';
import { toView } from '../domain/product.ts';
import { toReservationView } from '../domain/reservation.ts';
import { IdParams, Problem, ReservationParams, ServiceProduct, security } from './schemas.ts';

const tags = ['internal (services only)'];
const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem };

/**
 * Service-to-service endpoints, `inventory:reserve` only; the gateway never routes /internal.
 * The reservation routes' bodies are the order service's client's too (`@shop/contracts`).
 */
export function internalRoutes(app: HttpApp, ctx: ProductContext): void {
  const guard = ctx.auth.require('inventory:reserve');

  app.post(
    RESERVATIONS_PATH,
    {
      schema: {
        tags,
        security,
        summary: 'Reserve stock for an order: all lines or none, at today’s prices',
        body: NewReservation,
        response: { 200: ReservationView, 201: ReservationView, 409: Problem, 422: Problem, ...errors },
      },
      onRequest: guard,
    },
    async (request, reply) => {
      const { order_ref: orderRef, items } = request.body;
      const { reservation, created } = await reserve(
        { orderRef, items: items.map((item) => ({ productId: item.product_id, quantity: item.quantity })) },
        ctx.inventory,
      );
      return reply.code(created ? 201 : 200).send(toReservationView(reservation));
    },
  );

  app.get(
    `${RESERVATIONS_PATH}/:id`,
    {
      schema: {
        tags,
        security,
        summary: 'One reservation',
        params: ReservationParams,
        response: { 200: ReservationView, ...errors },
      },
      onRequest: guard,
    },
    async (request) => toReservationView(await getReservation(request.params.id, ctx.inventory)),
  );

  app.post(
    `${RESERVATIONS_PATH}/:id/commit`,
    {
      schema: {
        tags,
        security,
        summary: 'Commit a reservation (idempotent)',
        params: ReservationParams,
        response: { 200: ReservationView, 409: Problem, ...errors },
      },
      onRequest: guard,
    },
    async (request) => toReservationView(await commitReservation(request.params.id, ctx.inventory)),
  );

  app.delete(
    `${RESERVATIONS_PATH}/:id`,
    {
      schema: {
        tags,
        security,
        summary: 'Release a reservation and return its stock (idempotent; also after commit, for cancellations)',
        params: ReservationParams,
        response: { 200: ReservationView, ...errors },
      },
      onRequest: guard,
    },
    async (request) => toReservationView(await releaseReservation(request.params.id, ctx.inventory)),
  );

  app.get(
    '/internal/products/:id',
    {
      schema: {
        tags,
        security,
        summary: 'A product, archived ones included',
        params: IdParams,
        response: { 200: ServiceProduct, ...errors },
      },
      onRequest: guard,
    },
    async (request) => {
      const product = await getProductForService(request.params.id, ctx.catalog);
      return { ...toView(product, ctx.currency), archived: product.archivedAt !== null };
    },
  );
}
