import type { FailureLimiter } from '../../src/domain/ports.ts';

/** Counts failures per key; a key with `attempts` failures must wait `retryAfterSeconds`. */
export class FakeFailureLimiter implements FailureLimiter {
  readonly failures = new Map<string, number>();

  constructor(
    readonly attempts = 3,
    readonly retryAfterSeconds = 120,
  ) {}

  async retryAfter(key: string): Promise<number | null> {
    return this.count(key) >= this.attempts ? this.retryAfterSeconds : null;
  }

  async fail(key: string): Promise<void> {
    this.failures.set(key, this.count(key) + 1);
  }

  async reset(key: string): Promise<void> {
    this.failures.delete(key);
  }

  count(key: string): number {
    return this.failures.get(key) ?? 0;
  }
}
