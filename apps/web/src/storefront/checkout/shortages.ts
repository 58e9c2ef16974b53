import { ApiError } from '../../api/problem';

export interface Shortage {
  productId: number;
  requested: number;
  available: number;
}

/** The products the stock could not cover (a 409's `errors: [{product_id, requested, available}]`). */
export function stockShortages(error: unknown): Shortage[] {
  if (!(error instanceof ApiError) || error.status !== 409) return [];
  const shortages: Shortage[] = [];
  for (const entry of error.problem.errors ?? []) {
    const { product_id, requested, available } = entry;
    if (typeof product_id === 'number' && typeof requested === 'number' && typeof available === 'number') {
      shortages.push({ productId: product_id, requested, available });
    }
  }
  return shortages;
}
