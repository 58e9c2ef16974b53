import type { Static, TSchema } from 'typebox';
import { UserRegistered, UserSessionsRevoked } from './account.ts';
import { OrderCancelled, OrderPlaced, OrderStatusChanged } from './order.ts';
import { ProductCreated, ProductDeleted, ProductUpdated } from './product.ts';

export const EVENT_TYPES = {
  userRegistered: 'account.user_registered',
  userSessionsRevoked: 'account.user_sessions_revoked',
  productCreated: 'product.created',
  productUpdated: 'product.updated',
  productDeleted: 'product.deleted',
  orderPlaced: 'order.placed',
  orderCancelled: 'order.cancelled',
  orderStatusChanged: 'order.status_changed',
} as const;

export type EventType = (typeof EVENT_TYPES)[keyof typeof EVENT_TYPES];

/**
 * The schema of each event type's `data` (README "Conventions"). Publishers write what
 * these describe; consumers check what arrives against them. Extra fields are allowed, so a
 * publisher may add one without breaking a consumer that does not read it.
 */
export const EVENT_SCHEMAS = {
  [EVENT_TYPES.userRegistered]: UserRegistered,
  [EVENT_TYPES.userSessionsRevoked]: UserSessionsRevoked,
  [EVENT_TYPES.productCreated]: ProductCreated,
  [EVENT_TYPES.productUpdated]: ProductUpdated,
  [EVENT_TYPES.productDeleted]: ProductDeleted,
  [EVENT_TYPES.orderPlaced]: OrderPlaced,
  [EVENT_TYPES.orderCancelled]: OrderCancelled,
  [EVENT_TYPES.orderStatusChanged]: OrderStatusChanged,
} as const satisfies Record<EventType, TSchema>;

/** Each event type's `data`: what `Outbox<EventPayloads>` lets a publisher write under it. */
export type EventPayloads = { [K in EventType]: Static<(typeof EVENT_SCHEMAS)[K]> };
