import type { Clock } from '../../src/domain/ports.ts';

/** A clock that stands still until a test moves it. */
export class FakeClock implements Clock {
  private current: Date;

  constructor(start: Date | string = '2026-01-15T10:00:00.000Z') {
    this.current = new Date(start);
  }

  now(): Date {
    return new Date(this.current);
  }

  advance(seconds: number): void {
    this.current = new Date(this.current.getTime() + seconds * 1000);
  }

  set(at: Date | string): void {
    this.current = new Date(at);
  }
}
