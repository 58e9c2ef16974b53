import { createLogger, type Database, type Logger, openPostgres, queryRows } from '@shop/platform';
import { type DatabaseTarget, databaseTargets } from '@shop/platform/testing';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MIGRATIONS_FOLDER } from '../../src/app.ts';
import type { EtlFacts } from '../../src/domain/facts.ts';
import type { AnalyticsStore, EtlStep, LoggedEvent } from '../../src/domain/ports.ts';
import { EtlJob } from '../../src/jobs/etl-job.ts';
import { ETL_QUEUE, EtlSchedule, JOBS_SCHEMA } from '../../src/jobs/etl-schedule.ts';

/**
 * A store whose steps wait until the test lets them finish (or, with `autoOpenMs`, that long),
 * and that counts the events "logged" so far: each step takes in everything past its
 * watermark. Two replicas' jobs may share one, to see whether their steps ever overlap.
 */
class GatedStore {
  logged = 0;
  watermark = 0;
  running = 0;
  mostAtOnce = 0;
  steps = 0;
  failNext: Error | undefined;
  /** When set, a step ends by itself after this many milliseconds. */
  autoOpenMs: number | undefined;
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
      this.steps += 1;
      this.mostAtOnce = Math.max(this.mostAtOnce, this.running);
      try {
        const seen = this.logged;
        await new Promise<void>((resolve) => {
          if (this.autoOpenMs === undefined) this.gates.push(resolve);
          else setTimeout(resolve, this.autoOpenMs);
        });
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

const silent = createLogger({ name: 'etl-job-test', level: 'silent' });
const decode = (event: LoggedEvent) => ({ sequence: event.sequence, id: event.id, kind: 'other' as const });

/** A logger keeping what it logs at warn and above. */
function recordingLogger(): { logger: Logger; lines: Array<{ level: number; msg: string }> } {
  const lines: Array<{ level: number; msg: string }> = [];
  const logger = createLogger(
    { name: 'etl-job-test', level: 'warn' },
    { write: (line) => lines.push(JSON.parse(line)) },
  );
  return { logger, lines };
}

/** Waits until `count` steps wait on the gate. */
async function stepsWaiting(gated: GatedStore, count: number, timeout = 2000): Promise<void> {
  await vi.waitFor(() => expect(gated.waiting).toBe(count), { timeout, interval: 5 });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const pendingTimers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;

describe.each(databaseTargets())('the ETL job, scheduled by pg-boss on $name', (target: DatabaseTarget) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  /** Jobs to stop after the test, started or not. */
  let jobs: EtlJob[];
  /** The timers pending before the test opened its database. */
  let timersBefore: number;

  beforeEach(async () => {
    timersBefore = pendingTimers();
    ({ database, cleanup } = await target.open({ service: 'analytics', migrationsFolder: MIGRATIONS_FOLDER }));
    jobs = [];
  });

  afterEach(async () => {
    await Promise.all(jobs.map((etl) => etl.stop()));
    await cleanup();
  });

  function job(gated: GatedStore, options: { intervalSeconds?: number; logger?: Logger; on?: Database } = {}): EtlJob {
    const logger = options.logger ?? silent;
    const schedule = new EtlSchedule({
      database: options.on ?? database,
      intervalSeconds: options.intervalSeconds ?? 3600,
      logger,
    });
    const etl = new EtlJob({ store: gated.store, decode, batchSize: 1000 }, schedule, logger);
    jobs.push(etl);
    return etl;
  }

  /** The ETL queue's jobs in pg-boss's table, by state. */
  async function jobStates(): Promise<Record<string, number>> {
    const rows = await queryRows<{ state: string; n: number }>(
      database.db,
      sql`select state::text as state, count(*)::int as n from ${sql.raw(JOBS_SCHEMA)}.job
           where name = ${ETL_QUEUE} group by state`,
    );
    return Object.fromEntries(rows.map((row) => [row.state, Number(row.n)]));
  }

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
    await sleep(20);
    expect(stopped).toBe(false);
    gated.open();
    await stopping;
    expect(gated.watermark).toBe(4);
  });

  it('when the interval passes, then a pg-boss job runs the ETL by itself, once an interval', async () => {
    const gated = new GatedStore();
    gated.autoOpenMs = 10;
    const etl = job(gated, { intervalSeconds: 1 });
    gated.logged = 1;
    await etl.start();
    expect(gated.watermark).toBe(1);

    // Logged after the first run: only a scheduled run can take them in.
    gated.logged = 3;
    await vi.waitFor(() => expect(gated.watermark).toBe(3), { timeout: 2500, interval: 20 });
    await vi.waitFor(async () => expect((await jobStates()).completed).toBeGreaterThanOrEqual(2), {
      timeout: 2500,
      interval: 50,
    });
    // One job a second, whatever the polling: two to four over 3 s.
    const before = (await jobStates()).completed ?? 0;
    await sleep(3000);
    const after = (await jobStates()).completed ?? 0;
    expect(after - before).toBeGreaterThanOrEqual(2);
    expect(after - before).toBeLessThanOrEqual(4);
    expect(gated.mostAtOnce).toBe(1);
  });

  it('when the scheduled run fails, then it is logged, its job fails, and the schedule goes on', async () => {
    const gated = new GatedStore();
    gated.autoOpenMs = 10;
    const { logger, lines } = recordingLogger();
    const etl = job(gated, { intervalSeconds: 1, logger });
    await etl.start();

    gated.logged = 1;
    gated.failNext = new Error('database gone');
    await vi.waitFor(
      () => expect(lines.map((line) => line.msg)).toContain('analytics ETL failed; retrying next interval'),
      {
        timeout: 3000,
        interval: 20,
      },
    );
    expect(gated.watermark).toBe(0);
    await vi.waitFor(() => expect(gated.watermark).toBe(1), { timeout: 3000, interval: 20 });
    expect(await jobStates()).toMatchObject({ failed: 1 });
  });

  it('when two replicas share the database, then their scheduled runs never overlap, though each outlasts the interval', async () => {
    const gated = new GatedStore();
    // The second replica: a connection pool of its own in PostgreSQL; PGlite is one process's.
    let second = database;
    if (database.kind === 'postgres') {
      const { connectionString } = (database.db as unknown as { $client: { options: { connectionString: string } } })
        .$client.options;
      second = await openPostgres({
        service: 'analytics',
        migrationsFolder: MIGRATIONS_FOLDER,
        url: connectionString,
        poolSize: 5,
      });
    }
    try {
      gated.autoOpenMs = 0;
      const replicas = [job(gated, { intervalSeconds: 1 }), job(gated, { intervalSeconds: 1, on: second })];
      // Their first runs, at start, are in-process: each replica runs its own.
      await Promise.all(replicas.map((etl) => etl.start()));
      gated.mostAtOnce = 0;
      gated.steps = 0;
      // Each run now takes 1.5 intervals: on a per-replica timer they would overlap.
      gated.autoOpenMs = 1500;
      await sleep(6000);
      expect(gated.steps).toBeGreaterThanOrEqual(2);
      expect(gated.mostAtOnce).toBe(1);
      await Promise.all(replicas.map((etl) => etl.stop()));
      expect(gated.running).toBe(0);
    } finally {
      await Promise.all(jobs.map((etl) => etl.stop()));
      if (second !== database) await second.close();
    }
  });

  it('when stopped during a scheduled run, then stop waits for it, and after, nothing runs and no job is left active', async () => {
    const gated = new GatedStore();
    const etl = job(gated, { intervalSeconds: 1 });
    const starting = etl.start();
    await stepsWaiting(gated, 1);
    gated.open();
    await starting;

    // The first scheduled run, from pg-boss.
    await stepsWaiting(gated, 1, 3000);
    let stopped = false;
    const stopping = etl.stop().then(() => {
      stopped = true;
    });
    await sleep(50);
    expect(stopped).toBe(false);
    gated.open();
    await stopping;
    expect(gated.running).toBe(0);
    expect((await jobStates()).active ?? 0).toBe(0);

    // No timer of pg-boss's is left either, once the database is closed (the pool's idle ones go with it).
    await cleanup();
    cleanup = async () => {};
    expect(pendingTimers()).toBeLessThanOrEqual(timersBefore);
    const steps = gated.steps;
    await sleep(2500);
    expect(gated.steps).toBe(steps);
    expect(gated.waiting).toBe(0);
  });
});
