import { type Static, Type } from 'typebox';

/**
 * The `data` of every event the services publish (API.md "Events"). Publishers build
 * their payloads with these types; consumers validate incoming events against them.
 */
export const UserRegistered = Type.Object({
  user_id: Type.Integer(),
  email: Type.String(),
  name: Type.String(),
});
export type UserRegistered = Static<typeof UserRegistered>;

export const EVENT_TYPES = {
  userRegistered: 'account.user_registered',
  productCreated: 'product.created',
  productUpdated: 'product.updated',
  productDeleted: 'product.deleted',
  orderPlaced: 'order.placed',
  orderCancelled: 'order.cancelled',
  orderStatusChanged: 'order.status_changed',
} as const;
