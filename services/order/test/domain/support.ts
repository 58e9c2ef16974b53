import { DomainError } from '@shop/platform/errors';
import { expect } from 'vitest';

/** Asserts that `promise` rejects with a DomainError of `code` and returns it. */
export async function rejectsWith(promise: Promise<unknown>, code: DomainError['code']): Promise<DomainError> {
  const error = await promise.then(
    () => {
      throw new Error(`expected a ${code} error, but it resolved`);
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(DomainError);
  expect((error as DomainError).code).toBe(code);
  return error as DomainError;
}
