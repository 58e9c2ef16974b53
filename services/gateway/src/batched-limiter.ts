import type { RequestAllowance, RequestLimiter } from '@shop/platform';
import type { Redis } from 'ioredis';

export interface BatchedLimiterOptions {
  /** Prefix that keeps this limiter's keys apart from others' (`ratelimit:<name>:<key>`). */
  name: string;
  /** Requests allowed per key within the window. */
  requests: number;
  windowSeconds: number;
  redis: Redis;
  /** How often the counts admitted locally are added to Redis. Default 100 ms. */
  syncIntervalMs?: number;
}

export interface BatchedLimiter extends RequestLimiter {
  /** Sends what was counted here to Redis now (the sync interval does it otherwise). */
  flush(): Promise<void>;
  /** Stops syncing, after sending what was counted here. */
  close(): Promise<void>;
}

/** One key's window as this replica knows it. */
interface Entry {
  /** The window's count: Redis's total at the last sync plus what this replica admitted since. */
  count: number;
  /** Admitted here, not yet added to Redis. */
  pending: number;
  /** When the window ends (epoch ms). */
  resetAt: number;
  /** Whether `count` rests on an answer from Redis in this window. */
  synced: boolean;
  /** When Redis last answered for this key (epoch ms). */
  syncedAt: number;
  /** Requests waiting for Redis's answer before they are decided. */
  waiting: Array<(allowance: RequestAllowance) => void>;
}

/**
 * Adds each key's increment in one script call for a whole batch of keys, starting a
 * key's window (its expiry) with its first increment; answers [count, ms left] per key.
 */
const ADD_SCRIPT = `
local answers = {}
for i, key in ipairs(KEYS) do
  local count = redis.call('INCRBY', key, ARGV[i + 1])
  local left = redis.call('PTTL', key)
  if left < 0 then
    redis.call('PEXPIRE', key, ARGV[1])
    left = tonumber(ARGV[1])
  end
  answers[#answers + 1] = count
  answers[#answers + 1] = left
end
return answers
`;

type AddingRedis = Redis & { shopRateLimitAdd(keys: number, ...args: Array<string | number>): Promise<number[]> };

/**
 * The per-IP limit shared by every replica through Redis, without a Redis round trip per
 * request. Far from its limit, a key's requests are decided from this replica's copy of
 * its count and the increments go to Redis in one batch every `syncIntervalMs`, which also
 * brings back what the other replicas counted. Near the limit (the last tenth of it,
 * at least one request), on a key not synced in the last two intervals (new in this
 * window, or idle here), or while Redis does not answer, each request waits for Redis:
 * the requests of one event-loop turn share one call.
 * A key known to be over its limit is refused here with no call (and those refusals are
 * not counted) until its copy is two intervals old; then one request asks Redis again,
 * so a count reset in Redis (its key deleted) is seen within 200 ms.
 *
 * Tolerance: with one replica the limit is exact. With several, a client can exceed its
 * limit only by what the other replicas admitted for it since their last sync, beyond the
 * reserved last tenth: at most what it sends through them in one sync interval (100 ms).
 * While Redis is unreachable each replica counts alone, and adds its counts once it answers.
 */
export function createBatchedLimiter(options: BatchedLimiterOptions): BatchedLimiter {
  const { requests: limit, redis } = options;
  const windowMs = options.windowSeconds * 1000;
  const reserve = Math.max(1, Math.ceil(limit / 10));
  const syncIntervalMs = options.syncIntervalMs ?? 100;
  // A key this replica has not synced lately (it was idle here) may have been used elsewhere.
  const freshMs = 2 * syncIntervalMs;
  const prefix = `ratelimit:${options.name}:`;
  const entries = new Map<string, Entry>();
  let flushQueued = false;

  if (!('shopRateLimitAdd' in redis)) redis.defineCommand('shopRateLimitAdd', { lua: ADD_SCRIPT });

  const allowance = (entry: Entry, allowed: boolean, now: number): RequestAllowance => ({
    allowed,
    limit,
    remaining: allowed ? Math.max(0, limit - entry.count) : 0,
    resetSeconds: Math.max(1, Math.ceil((entry.resetAt - now) / 1000)),
  });

  const entryOf = (key: string, now: number): Entry => {
    let entry = entries.get(key);
    if (!entry || (now >= entry.resetAt && entry.waiting.length === 0)) {
      // A new window: what this replica admitted in the old one no longer counts anywhere.
      entry = { count: 0, pending: 0, resetAt: now + windowMs, synced: false, syncedAt: 0, waiting: [] };
      entries.set(key, entry);
    }
    return entry;
  };

  /** Sends every pending increment and waiting request to Redis in one call, and decides the waiting. */
  const flush = async (): Promise<void> => {
    flushQueued = false;
    const batch = [...entries].filter(([, entry]) => entry.pending > 0 || entry.waiting.length > 0);
    if (batch.length === 0) return;
    const sent = batch.map(([, entry]) => {
      const taken = { pending: entry.pending, waiting: entry.waiting };
      entry.pending = 0;
      entry.waiting = [];
      return taken;
    });
    let answers: number[] | undefined;
    try {
      answers = await (redis as AddingRedis).shopRateLimitAdd(
        batch.length,
        ...batch.map(([key]) => prefix + key),
        windowMs,
        ...sent.map((taken) => taken.pending + taken.waiting.length),
      );
    } catch {
      // Redis is away: this replica decides alone, and keeps its increments for later.
    }
    const now = Date.now();
    batch.forEach(([, entry], i) => {
      const taken = sent[i] as (typeof sent)[number];
      if (answers) {
        const total = answers[2 * i] as number;
        // Redis's total, with what was admitted here while the call was out.
        entry.count = total + entry.pending;
        entry.resetAt = now + (answers[2 * i + 1] as number);
        entry.synced = true;
        entry.syncedAt = now;
        // The waiting requests are the last of the increment, in arrival order.
        let position = total - taken.waiting.length;
        for (const resolve of taken.waiting) {
          position += 1;
          resolve({ ...allowance(entry, position <= limit, now), remaining: Math.max(0, limit - position) });
        }
      } else {
        entry.pending += taken.pending;
        entry.synced = false;
        for (const resolve of taken.waiting) {
          const allowed = entry.count < limit;
          if (allowed) {
            entry.count += 1;
            entry.pending += 1;
          }
          resolve(allowance(entry, allowed, now));
        }
      }
    });
  };

  const queueFlush = () => {
    if (flushQueued) return;
    flushQueued = true;
    setImmediate(() => void flush());
  };

  // The batches of increments admitted locally; windows that ended are forgotten.
  const timer = setInterval(() => {
    const now = Date.now();
    for (const [key, entry] of entries) {
      if (now >= entry.resetAt && entry.pending === 0 && entry.waiting.length === 0) entries.delete(key);
    }
    void flush();
  }, syncIntervalMs);
  timer.unref();

  return {
    consume(key) {
      const now = Date.now();
      const entry = entryOf(key, now);
      const fresh = entry.synced && now - entry.syncedAt <= freshMs;
      if (fresh && entry.count >= limit) return Promise.resolve(allowance(entry, false, now));
      if (fresh && entry.count + reserve < limit) {
        entry.count += 1;
        entry.pending += 1;
        return Promise.resolve(allowance(entry, true, now));
      }
      return new Promise((resolve) => {
        entry.waiting.push(resolve);
        queueFlush();
      });
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
    },
  };
}
