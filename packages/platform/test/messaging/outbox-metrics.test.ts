import { setTimeout as sleep } from 'node:timers/promises';
import { pgSchema } from 'drizzle-orm/pg-core';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { outboxTable } from '../../src/messaging/outbox.ts';
import { registerOutboxMetrics } from '../../src/messaging/outbox-metrics.ts';
import { OutboxRelay } from '../../src/messaging/outbox-relay.ts';
import { databaseTargets } from '../../src/testing/index.ts';
import { addEvents, clearTables, migrationOptions, outbox, RecordingBus, silentLogger } from './outbox-fixture.ts';

/** One gauge's value in the registry's /metrics text. */
async function gauge(registry: Registry, name: string): Promise<number> {
  const text = await registry.metrics();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  if (!line) throw new Error(`${name} is not in:\n${text}`);
  return Number(line.slice(name.length + 1));
}

const backlog = (registry: Registry) => gauge(registry, 'outbox_unpublished_rows');
const age = (registry: Registry) => gauge(registry, 'outbox_oldest_unpublished_age_seconds');

describe.each(databaseTargets())('outbox backlog gauges on $name', (target) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let registry: Registry;

  beforeAll(async () => {
    ({ database, cleanup } = await target.open(migrationOptions));
  });
  afterAll(async () => {
    await cleanup?.();
  });
  beforeEach(async () => {
    await clearTables(database.db);
    registry = new Registry();
    registerOutboxMetrics(registry, database.db, outbox);
  });

  const relayOver = (bus: RecordingBus) =>
    new OutboxRelay({
      db: database.db,
      table: outbox,
      bus,
      leadership: database.leadership('outbox-metrics-test'),
      logger: silentLogger,
      pollMs: 20,
      maxBackoffMs: 50,
    });

  it('when nothing waits, then the backlog and the oldest age both read 0', async () => {
    expect(await backlog(registry)).toBe(0);
    expect(await age(registry)).toBe(0);
  });

  it('when events wait with no relay running, then the backlog counts them and the age grows until a flush publishes them', async () => {
    await addEvents(database.db, 3);

    expect(await backlog(registry)).toBe(3);
    const first = await age(registry);
    expect(first).toBeGreaterThanOrEqual(0);
    await sleep(1_100);
    const later = await age(registry);
    expect(later).toBeGreaterThan(first + 1);
    expect(later).toBeLessThan(60);

    const relay = relayOver(new RecordingBus());
    expect(await relay.flush()).toBe(3);
    await relay.stop();
    expect(await backlog(registry)).toBe(0);
    expect(await age(registry)).toBe(0);
  });

  it('when the relay runs but the broker refuses, then the backlog stays and ages; once the broker is back it drains', async () => {
    const bus = new RecordingBus();
    bus.fail();
    const relay = relayOver(bus);
    relay.start();
    try {
      await addEvents(database.db, 2);
      await vi.waitFor(() => expect(bus.attempts).toBeGreaterThan(2), { timeout: 5_000, interval: 10 });
      expect(await backlog(registry)).toBe(2);
      const first = await age(registry);
      await sleep(1_100);
      expect(await age(registry)).toBeGreaterThan(first + 1);

      bus.heal();
      await vi.waitFor(async () => expect(await backlog(registry)).toBe(0), { timeout: 5_000, interval: 20 });
      expect(await age(registry)).toBe(0);
      expect(bus.published).toHaveLength(2);
    } finally {
      await relay.stop();
    }
  });

  it('when the outbox cannot be read, then both gauges read NaN and the rest of the scrape still answers', async () => {
    const broken = new Registry();
    registerOutboxMetrics(broken, database.db, outboxTable(pgSchema('no_such_schema')));

    expect(await backlog(broken)).toBeNaN();
    expect(await age(broken)).toBeNaN();
  });
});
