import type { RequestCounter } from '../../src/domain/ports.ts';

/** Counts every request per key; past `requests`, refused for `resetSeconds`. */
export class FakeRequestCounter implements RequestCounter {
  readonly counts = new Map<string, number>();

  constructor(
    readonly requests = 3,
    readonly resetSeconds = 3600,
  ) {}

  async consume(key: string): Promise<{ allowed: boolean; resetSeconds: number }> {
    const count = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, count);
    return { allowed: count <= this.requests, resetSeconds: this.resetSeconds };
  }
}
