import { notFound, ruleViolation } from '@shop/platform/errors';

export const productNotFound = (id: number) => notFound(`No product with id ${id}.`);
export const reservationNotFound = (id: string) => notFound(`No reservation with id ${id}.`);
export const unknownCategory = (id: number) =>
  ruleViolation(`No category with id ${id}.`, { errors: [{ field: 'category_id', message: 'is not a category' }] });
