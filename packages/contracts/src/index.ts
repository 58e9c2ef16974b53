export * from './events/account.ts';
export * from './events/event-types.ts';
export * from './events/order.ts';
export * from './events/product.ts';
export * from './reservations.ts';
export * from './revocations.ts';
