import { type DecodedEvent, factsFromEvents, type SkippedEvent } from './facts.ts';
import type { AnalyticsStore, LoggedEvent } from './ports.ts';

/** Events per ETL step: each step is one transaction, and holds back new events while it reads. */
export const DEFAULT_BATCH_SIZE = 5_000;

export interface RunEtlDeps {
  store: AnalyticsStore;
  /** Reads a logged event against its contract. */
  decode: (event: LoggedEvent) => DecodedEvent;
  batchSize: number;
}

export interface EtlResult {
  /** Events taken in by this run. */
  appliedEvents: number;
  /** The sequence of the last event in the rollups. */
  watermark: number;
  /** Order events the rollups could not take, for the log. */
  skipped: SkippedEvent[];
}

/**
 * Brings the rollups up to date with the event log: step after step, each its own
 * transaction, until a step finds fewer events than a batch (caught up). A run that fails
 * midway keeps the steps before the failure; the next run goes on from there.
 */
export async function runEtl(deps: RunEtlDeps): Promise<EtlResult> {
  let appliedEvents = 0;
  const skipped: SkippedEvent[] = [];
  for (;;) {
    let stepSkipped: SkippedEvent[] = [];
    const step = await deps.store.applyNext(deps.batchSize, (events) => {
      const facts = factsFromEvents(events.map(deps.decode));
      stepSkipped = facts.skipped;
      return facts;
    });
    appliedEvents += step.applied;
    skipped.push(...stepSkipped);
    if (step.applied < deps.batchSize) return { appliedEvents, watermark: step.watermark, skipped };
  }
}
