import DataLoader from 'dataloader';

export interface WriteBatchOptions {
  /** How long the first call of a batch waits for others to join it. Default 2 ms. */
  windowMs?: number;
  /** The most items one write takes; more start another batch. Default 100. */
  maxItems?: number;
}

/**
 * Gathers the calls made within a few milliseconds of each other (the handlers of a burst
 * of deliveries, each finishing its own message) into one call of `write`, so that one
 * statement does the work of several round trips. `write` answers one result per item, in
 * the items' order; if it throws, every caller of that batch gets the error (and retries
 * as it would have alone). For work off the request path, where a few milliseconds more
 * cost nothing.
 */
export function writeBatch<I, R>(
  write: (items: readonly I[]) => Promise<readonly R[]>,
  options: WriteBatchOptions = {},
): (item: I) => Promise<R> {
  const windowMs = options.windowMs ?? 2;
  const loader = new DataLoader<I, R>((items) => write(items), {
    cache: false,
    maxBatchSize: options.maxItems ?? 100,
    batchScheduleFn: (run) => setTimeout(run, windowMs),
  });
  return (item) => loader.load(item);
}
