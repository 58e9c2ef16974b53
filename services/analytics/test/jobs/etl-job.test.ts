import { createLogger } from '@shop/platform';
import { describe, expect, it, vi } from 'vitest';
import type { EtlFacts } from '../../src/domain/facts.ts';
import type { AnalyticsStore, EtlStep, LoggedEvent } from '../../src/domain/ports.ts';
import { EtlJob } from '../../src/jobs/etl-job.ts';

/**
 * A store whose steps wait until the test lets them finish, and that counts the events
 * "logged" so far: each step takes in everything past its watermark.
 */
class GatedStore {
  logged = 0;
  watermark = 0;
  running = 0;
  mostAtOnce = 0;
  failNext: Error | undefined;
  private gates: Array<() => void> = [];

  get waiting(): number {
    return this.gates.length;
  }

  /** Lets the oldest waiting step finish. */
  open(): void {
    this.gates.shift()?.();
  }

  readonly store = {
    applyNext: async (_limit: number, toFacts: (events: LoggedEvent[]) => EtlFacts): Promise<EtlStep> => {
      this.running += 1;
      this.mostAtOnce = Math.max(this.mostAtOnce, this.running);
      try {
        const seen = this.logged;
        await new Promise<void>((resolve) => this.gates.push(resolve));
        if (this.failNext) {
          const error = this.failNext;
          this.failNext = undefined;
          throw error;
        }
        toFacts([]);
        const applied = seen - this.watermark;
        this.watermark = seen;
        return { applied, watermark: seen };
      } finally {
        this.running -= 1;
      }
    },
  } as unknown as AnalyticsStore;
}

const logger = createLogger({ name: 'etl-job-test', level: 'silent' });
const decode = (event: LoggedEvent) => ({ sequence: event.sequence, id: event.id, kind: 'other' as const });

function job(gated: GatedStore): EtlJob {
  return new EtlJob({ store: gated.store, decode, batchSize: 1000 }, 3600, logger);
}

/** Waits until `count` steps wait on the gate. */
async function stepsWaiting(gated: GatedStore, count: number): Promise<void> {
  await vi.waitFor(() => expect(gated.waiting).toBe(count), { timeout: 2000, interval: 5 });
}

describe('the ETL job', () => {
  it('when a refresh comes while a run goes on, then it waits for it and for one more run, never two at once', async () => {
    const gated = new GatedStore();
    const etl = job(gated);
    gated.logged = 3;
    const first = etl.refresh();
    await stepsWaiting(gated, 1);
    // Two events arrive after the first run read the log: only a later run can see them.
    gated.logged = 5;
    const second = etl.refresh();
    const third = etl.refresh();
    gated.open();
    expect(await first).toMatchObject({ appliedEvents: 3, watermark: 3 });
    await stepsWaiting(gated, 1);
    gated.open();
    // Both waited for the first run and then shared the one after it.
    expect(await second).toMatchObject({ appliedEvents: 5, watermark: 5 });
    expect(await third).toMatchObject({ appliedEvents: 5, watermark: 5 });
    expect(gated.mostAtOnce).toBe(1);
  });

  it('when a run fails, then the refresh that asked for it fails, and the next one runs afresh', async () => {
    const gated = new GatedStore();
    const etl = job(gated);
    gated.logged = 2;
    gated.failNext = new Error('database gone');
    const failing = etl.refresh();
    await stepsWaiting(gated, 1);
    gated.open();
    await expect(failing).rejects.toThrow('database gone');

    const next = etl.refresh();
    await stepsWaiting(gated, 1);
    gated.open();
    expect(await next).toMatchObject({ appliedEvents: 2, watermark: 2 });
  });

  it('when started, then it runs at once; stop waits for that run to end', async () => {
    const gated = new GatedStore();
    const etl = job(gated);
    gated.logged = 4;
    etl.start();
    await stepsWaiting(gated, 1);
    let stopped = false;
    const stopping = etl.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stopped).toBe(false);
    gated.open();
    await stopping;
    expect(gated.watermark).toBe(4);
  });

  it('when the scheduled run fails, then it is logged and the schedule goes on', async () => {
    vi.useFakeTimers();
    try {
      const gated = new GatedStore();
      const etl = new EtlJob({ store: gated.store, decode, batchSize: 1000 }, 1, logger);
      gated.logged = 1;
      gated.failNext = new Error('database gone');
      etl.start();
      await vi.advanceTimersByTimeAsync(0);
      expect(gated.waiting).toBe(1);
      gated.open();
      await vi.advanceTimersByTimeAsync(1000);
      expect(gated.waiting).toBe(1);
      gated.open();
      await vi.advanceTimersByTimeAsync(0);
      expect(gated.watermark).toBe(1);
      const stopping = etl.stop();
      await vi.advanceTimersByTimeAsync(0);
      await stopping;
    } finally {
      vi.useRealTimers();
    }
  });
});
