import type { PGlite } from '@electric-sql/pglite';
import type { Database, Logger } from '@shop/platform';
import PgBoss from 'pg-boss';

/** The pg-boss queue the scheduled ETL runs from. */
export const ETL_QUEUE = 'analytics-etl';

/**
 * pg-boss's tables live in the service's own database, in a schema of their own (not
 * pg-boss's default `pgboss`): each service that adopts pg-boss keeps its jobs, its schema
 * version and its maintenance apart, and in embedded mode every service shares one PGlite.
 */
export const JOBS_SCHEMA = 'analytics_jobs';

/** How long a scheduled run may take before pg-boss fails its job and frees the queue. */
const RUN_EXPIRES_SECONDS = 300;

export interface EtlScheduleOptions {
  /** The service's database: pg-boss runs on it (PGlite or PostgreSQL), in JOBS_SCHEMA. */
  database: Database;
  /** A run every this many seconds, across every replica together. */
  intervalSeconds: number;
  logger: Logger;
}

/**
 * The ETL's schedule, on pg-boss: one run every `intervalSeconds` across all the replicas
 * sharing the database, never two at a time, whichever replica picks it up.
 *
 * - The queue's policy is `stately`: at most one job `created` and one `active` (a unique
 *   index in pg-boss's job table; a second fetch that would make a job active fails). A job
 *   sent while one waits is dropped, and the waiting one runs after the active one: the
 *   same as `EtlJob.refresh`, at the scale of every replica.
 * - pg-boss's `schedule()` is cron, a minute at best, so it cannot say "every 30 s". Each
 *   replica instead sends a job every interval with `singletonSeconds: intervalSeconds`:
 *   pg-boss throttles on the database clock's slot of that many seconds (another unique
 *   index), so of all the replicas' sends in a slot one job is kept, the others return
 *   null. A self-re-sending job (`startAfter`) would stop for good when the replica running
 *   it died; this way any replica still up keeps the schedule going.
 * - Each replica works the queue (`work()`), polling every 0.5–2 s (one short query), and
 *   the replica whose send was kept wakes its own worker at once (`notifyWorker`). The
 *   handler runs the ETL through `EtlJob.refresh`, so a scheduled run and an admin's
 *   refresh never overlap in one process either.
 * - No retries: a failed run is logged and the next interval runs afresh. A job stuck
 *   `active` (its replica killed mid-run) is failed by pg-boss's maintenance once it
 *   expires (RUN_EXPIRES_SECONDS), and holds up the schedule until then, not refreshes.
 *   Should a run outlast it, the next may start elsewhere: harmless, as each ETL step
 *   locks the watermark row, so runs on two replicas take turns in the database.
 * - The first run at start is not a job: `EtlJob.start` runs it in-process at once.
 */
export class EtlSchedule {
  private readonly db: TrackedDb;
  private readonly intervalSeconds: number;
  private readonly logger: Logger;
  private boss: PgBoss | undefined;
  private workerId: string | undefined;
  private starting: Promise<void> | undefined;
  private sending: Promise<void> | undefined;
  private sender: NodeJS.Timeout | undefined;
  private retry: NodeJS.Timeout | undefined;
  private readonly handling = new Set<Promise<void>>();
  private stopping = false;

  constructor(options: EtlScheduleOptions) {
    this.db = new TrackedDb(pgBossDb(options.database));
    this.intervalSeconds = options.intervalSeconds;
    this.logger = options.logger;
  }

  /**
   * Starts pg-boss (creating its schema the first time), the queue, this replica's worker
   * and its sends; `run` is the scheduled run. Does not wait: should pg-boss fail to start,
   * that is logged and tried again an interval later.
   */
  start(run: () => Promise<void>): void {
    if (this.starting || this.stopping) return;
    this.starting = this.open(run);
  }

  /**
   * Stops the sends and the worker, waiting for the run under way; then pg-boss, once no
   * query of its is in flight, so nothing of it is left running (no timer, no query) and
   * the database can close. A job fetched meanwhile is failed, not run.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.retry);
    clearInterval(this.sender);
    await this.starting;
    clearTimeout(this.retry);
    await this.sending;
    const boss = this.boss;
    this.boss = undefined;
    if (!boss) return;
    // Stopped while its worker is between polls, pg-boss ends it at once; stopped mid-fetch,
    // it would check every second until the fetch ends (a timer outliving stop).
    await this.quiesce();
    await boss.stop({ close: false, graceful: true, wait: true });
    await this.quiesce();
  }

  private async open(run: () => Promise<void>): Promise<void> {
    const boss = new PgBoss({
      db: this.db,
      schema: JOBS_SCHEMA,
      // No cron (see above): no timekeeper, its clock checks nor its own queue's worker.
      schedule: false,
      supervise: true,
      maintenanceIntervalSeconds: 60,
      // Ended jobs move to the archive after an hour (never before a throttling slot
      // ends: pg-boss requires it), and leave it a day later.
      archiveCompletedAfterSeconds: Math.max(3600, 2 * this.intervalSeconds),
      deleteAfterDays: 1,
    });
    boss.on('error', (error) => {
      if (!this.stopping) this.logger.warn({ err: error }, 'analytics ETL schedule: job engine error');
    });
    this.boss = boss;
    try {
      await boss.start();
      const queue = {
        name: ETL_QUEUE,
        policy: 'stately',
        retryLimit: 0,
        expireInSeconds: RUN_EXPIRES_SECONDS,
      } as const;
      // Created once for every replica; updated so that its settings are this code's.
      await boss.createQueue(ETL_QUEUE, queue);
      await boss.updateQueue(ETL_QUEUE, queue);
      this.workerId = await boss.work(
        ETL_QUEUE,
        { pollingIntervalSeconds: Math.min(2, Math.max(0.5, this.intervalSeconds / 2)), batchSize: 1 },
        () => this.handle(run),
      );
    } catch (error) {
      this.boss = undefined;
      await this.quiesce();
      await boss.stop({ close: false, graceful: false }).catch(() => undefined);
      if (this.stopping) return;
      this.logger.error({ err: error }, 'analytics ETL schedule could not start; retrying next interval');
      this.retry = setTimeout(() => {
        this.starting = this.open(run);
      }, this.intervalSeconds * 1000);
      this.retry.unref();
      return;
    }
    if (this.stopping) return;
    this.sender = setInterval(() => this.send(boss), this.intervalSeconds * 1000);
    this.sender.unref();
  }

  /** Sends this interval's job, unless a replica did in this slot; wakes the worker if it was kept. */
  private send(boss: PgBoss): void {
    if (this.sending || this.stopping) return;
    this.sending = boss
      .send(ETL_QUEUE, {}, { singletonSeconds: this.intervalSeconds })
      .then(
        (id) => {
          if (id && this.workerId && !this.stopping) boss.notifyWorker(this.workerId);
        },
        (error: unknown) => {
          if (!this.stopping) this.logger.warn({ err: error }, 'analytics ETL schedule: could not send the job');
        },
      )
      .finally(() => {
        this.sending = undefined;
      });
  }

  /** The worker's handler: the run, unless stopping (the job then fails, as pg-boss's own shutdown does). */
  private handle(run: () => Promise<void>): Promise<void> {
    if (this.stopping) return Promise.reject(new Error('the analytics ETL schedule is stopping'));
    const running = run().finally(() => this.handling.delete(running));
    this.handling.add(running);
    return running;
  }

  /** Waits until no run and no query of pg-boss's is under way, checked after pending callbacks ran. */
  private async quiesce(): Promise<void> {
    for (;;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      const busy = [...this.handling, ...this.db.inFlight];
      if (busy.length === 0) return;
      await Promise.allSettled(busy);
    }
  }
}

type SqlResult = { rows: unknown[] };
type ExecuteSql = (text: string, values?: unknown[]) => Promise<SqlResult>;

/** pg-boss's database, counting its queries in flight, so that stop() can wait for them. */
class TrackedDb implements PgBoss.Db {
  readonly inFlight = new Set<Promise<SqlResult>>();

  constructor(private readonly execute: ExecuteSql) {}

  executeSql(text: string, values?: unknown[]): Promise<SqlResult> {
    const query = this.execute(text, values).finally(() => this.inFlight.delete(query));
    this.inFlight.add(query);
    return query;
  }
}

/** The part of a pg pool pg-boss's queries need. */
interface PgPool {
  query(text: string, values?: unknown[]): Promise<SqlResult>;
  connect(): Promise<{ query(text: string, values?: unknown[]): Promise<SqlResult>; release(error?: Error): void }>;
}

/**
 * Runs pg-boss's SQL on the service's own client: the PGlite instance, or the pg pool
 * (Drizzle's `$client`). pg-boss sends two kinds of statements:
 * - one statement with values (`$1`…): a plain parameterised query;
 * - without values, possibly several statements, some being `BEGIN; …; COMMIT;` around an
 *   advisory lock (schema creation, maintenance). Should one fail, PostgreSQL leaves the
 *   session in an aborted transaction (as does PGlite): on the single PGlite connection
 *   every query of the service would then fail. So in PGlite they run inside PGlite's own
 *   transaction (holding its lock, so no other query comes in between, and rolled back on
 *   failure); in PostgreSQL on a connection of their own, rolled back on failure.
 * Their result is the last statement's.
 */
function pgBossDb(database: Database): ExecuteSql {
  const client = (database.db as unknown as { $client?: unknown }).$client;
  if (!client) throw new Error('the database handle does not expose its client');
  if (database.kind === 'pglite') {
    const pglite = client as PGlite;
    return async (text, values) => {
      if (values && values.length > 0) return pglite.query(text, values);
      const results = await pglite.transaction((tx) => tx.exec(text));
      return results.at(-1) ?? { rows: [] };
    };
  }
  const pool = client as PgPool;
  return async (text, values) => {
    if (values && values.length > 0) return pool.query(text, values);
    const connection = await pool.connect();
    try {
      const results = (await connection.query(text)) as SqlResult | SqlResult[];
      connection.release();
      return Array.isArray(results) ? (results.at(-1) ?? { rows: [] }) : results;
    } catch (error) {
      try {
        await connection.query('rollback');
        connection.release();
      } catch (rollbackError) {
        connection.release(rollbackError as Error);
      }
      throw error;
    }
  };
}
