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
 * the items' order. When a write of several items fails, each is written again alone, so
 * an item that cannot be written fails its own caller only (who retries as it would have
 * alone), never the others of its batch. For work off the request path, where a few
 * milliseconds more cost nothing.
 */
export function writeBatch<I, R>(
  write: (items: readonly I[]) => Promise<readonly R[]>,
  options: WriteBatchOptions = {},
): (item: I) => Promise<R> {
  const windowMs = options.windowMs ?? 2;
  const loader = new DataLoader<I, R>(
    async (items) => {
      try {
        return await write(items);
      } catch (error) {
        if (items.length === 1) throw error;
        return Promise.all(items.map((item) => alone(write, item)));
      }
    },
    {
      cache: false,
      maxBatchSize: options.maxItems ?? 100,
      batchScheduleFn: (run) => setTimeout(run, windowMs),
    },
  );
  return (item) => loader.load(item);
}

/** One item written by itself: its result, or the error that is its caller's alone. */
async function alone<I, R>(write: (items: readonly I[]) => Promise<readonly R[]>, item: I): Promise<R | Error> {
  try {
    const [result] = await write([item]);
    return result as R;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}
