import { randomUUID } from 'node:crypto';
import type { Database } from '@shop/platform';
import { databaseTargets } from '@shop/platform/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER } from '../../src/app.ts';
import { PgEmailStore } from '../../src/db/email-store.ts';
import { cancellationEmail } from '../../src/domain/templates.ts';

describe.each(databaseTargets())('e-mail store ($name)', (target) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let store: PgEmailStore;
  const draft = cancellationEmail({ to: 'ada@example.com', orderId: 5, reason: 'cancelled by the customer' });

  beforeAll(async () => {
    ({ database, cleanup } = await target.open({ service: 'notification', migrationsFolder: MIGRATIONS_FOLDER }));
    store = new PgEmailStore(database.db);
  });
  beforeEach(async () => {
    await database.db.execute(sql`truncate notification.emails, notification.inbox restart identity`);
  });
  afterAll(async () => {
    await cleanup?.();
  });

  /** A new e-mail, as the consumer records it: claimed for its first send (attempt 1). */
  const record = async (leaseMs = 60_000) => {
    const recorded = await store.recordOnce(randomUUID(), draft, leaseMs);
    if (!recorded) throw new Error('no e-mail recorded');
    return recorded.email;
  };
  /** An e-mail whose first send failed: pending with attempts 1. */
  const afterFailedFirstSend = async () => {
    const email = await record();
    await store.markUnsent(email.id, 1, 'pending', 'connection reset');
    return email;
  };
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('when an event is recorded, then its new e-mail is claimed by the caller: sending, attempts 1, under a lease', async () => {
    const eventId = randomUUID();
    const before = Date.now();
    const first = await store.recordOnce(eventId, draft, 30_000);

    expect(first?.created).toBe(true);
    expect(first?.email).toMatchObject({
      eventId,
      status: 'sending',
      attempts: 1,
      lastError: null,
      subject: 'Your order #5 was cancelled',
    });
    const until = first?.email.sendingUntil?.getTime() ?? 0;
    expect(until).toBeGreaterThanOrEqual(before + 30_000 - 1_000);
    expect(until).toBeLessThanOrEqual(Date.now() + 30_000 + 1_000);
    expect(await store.find(first?.email.id ?? 0)).toEqual(first?.email);
    // Held: no one else may take it while the caller sends it.
    expect(await store.claim(first?.email.id ?? 0, 60_000)).toBeNull();
  });

  it('when the same event is recorded twice, then there is one e-mail, created by the first call only', async () => {
    const eventId = randomUUID();
    const first = await store.recordOnce(eventId, draft, 60_000);
    const second = await store.recordOnce(eventId, { ...draft, subject: 'changed' }, 60_000);

    expect(first?.created).toBe(true);
    expect(second?.created).toBe(false);
    expect(second?.email).toEqual(first?.email);
    expect((await store.list({ limit: 10 })).items).toHaveLength(1);
  });

  it('when the same event is recorded by two concurrent calls, then one e-mail is stored and one call created it', async () => {
    const eventId = randomUUID();
    const results = await Promise.all([
      store.recordOnce(eventId, draft, 60_000),
      store.recordOnce(eventId, draft, 60_000),
    ]);

    expect(results[0]?.email.id).toBeGreaterThan(0);
    expect(results[1]?.email.id).toBe(results[0]?.email.id);
    expect(results.map((result) => result?.created).sort()).toEqual([false, true]);
    expect((await store.list({ limit: 10 })).items).toHaveLength(1);
  });

  it('when several e-mails are marked sent at once, one of them by a stale attempt, then each current one is sent with its own message and the stale mark changes nothing', async () => {
    const [a, b, c] = [await record(), await record(), await record()];
    await Promise.all([
      store.markSent(a.id, 1, 'message a'),
      store.markSent(b.id, 1, 'message b'),
      store.markSent(c.id, 2, 'from an attempt that never was'),
    ]);
    const [sentA, sentB, stillC] = [await store.find(a.id), await store.find(b.id), await store.find(c.id)];
    expect([sentA?.status, sentA?.raw, sentA?.sendingUntil]).toEqual(['sent', 'message a', null]);
    expect([sentB?.status, sentB?.raw]).toEqual(['sent', 'message b']);
    expect(sentA?.sentAt).toBeInstanceOf(Date);
    expect([stillC?.status, stillC?.raw, stillC?.sentAt]).toEqual(['sending', null, null]);
  });

  it('when events are recorded at the same moment, then each gets its own e-mail, created and claimed by its caller', async () => {
    const drafts = ['ada', 'grace', 'edsger'].map((name) =>
      cancellationEmail({ to: `${name}@example.com`, orderId: 9, reason: 'out of stock' }),
    );
    const events = drafts.map(() => randomUUID());
    const recorded = await Promise.all(drafts.map((each, i) => store.recordOnce(events[i] ?? '', each, 60_000)));
    expect(recorded.map((result) => [result?.created, result?.email.eventId, result?.email.to])).toEqual([
      [true, events[0], 'ada@example.com'],
      [true, events[1], 'grace@example.com'],
      [true, events[2], 'edsger@example.com'],
    ]);
    expect(recorded.map((result) => [result?.email.status, result?.email.attempts])).toEqual([
      ['sending', 1],
      ['sending', 1],
      ['sending', 1],
    ]);
    expect(new Set(recorded.map((result) => result?.email.id)).size).toBe(3);
  });

  it('when a pending e-mail is claimed, then it is sending with one more attempt, and a second claim gets nothing', async () => {
    const email = await afterFailedFirstSend();
    const claimed = await store.claim(email.id, 60_000);

    expect(claimed).toMatchObject({ id: email.id, status: 'sending', attempts: 2 });
    expect(await store.claim(email.id, 60_000)).toBeNull();
  });

  it('when a claim has lapsed, then another worker takes the e-mail over and the first one’s outcome is ignored', async () => {
    const email = await record(1);
    await sleep(20);

    const takeover = await store.claim(email.id, 60_000);
    expect(takeover).toMatchObject({ status: 'sending', attempts: 2 });
    await store.markSent(email.id, 1, 'from the first worker');
    expect(await store.find(email.id)).toMatchObject({ status: 'sending', raw: null });

    await store.markSent(email.id, 2, 'from the second worker');
    expect(await store.find(email.id)).toMatchObject({ status: 'sent', raw: 'from the second worker', attempts: 2 });
    expect((await store.find(email.id))?.sentAt).toBeInstanceOf(Date);
  });

  it('when a claim asks for a rest, then an e-mail whose send failed less than that ago is left, and taken after it', async () => {
    const email = await afterFailedFirstSend();
    expect(await store.claim(email.id, 60_000, 60_000)).toBeNull();
    expect(await store.find(email.id)).toMatchObject({ status: 'pending', attempts: 1 });

    await sleep(60);
    expect(await store.claim(email.id, 60_000, 30)).toMatchObject({ status: 'sending', attempts: 2 });
  });

  it('when a claim asks for a rest, then an e-mail never tried (re-queued by an admin) is taken at once', async () => {
    const email = await record();
    await store.markUnsent(email.id, 1, 'failed', 'mailbox full');
    await store.requeue(email.id);

    expect(await store.claim(email.id, 60_000, 60_000)).toMatchObject({ status: 'sending', attempts: 1 });
  });

  it('when a worker died while sending, then the e-mail can be re-queued once its claim has lapsed, not before', async () => {
    const email = await record(60_000);
    expect(await store.requeue(email.id)).toBeNull(); // the claim still holds: a worker may be sending it

    const other = await record(1);
    await sleep(20);
    expect(await store.requeue(other.id)).toMatchObject({ status: 'pending', attempts: 0 });
  });

  it('when a send fails, then the e-mail is pending again (or failed) with the error, and no longer claimed', async () => {
    const email = await afterFailedFirstSend();
    expect(await store.find(email.id)).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: 'connection reset',
      sendingUntil: null,
    });

    await store.claim(email.id, 60_000);
    await store.markUnsent(email.id, 2, 'failed', 'mailbox full');
    expect(await store.find(email.id)).toMatchObject({ status: 'failed', attempts: 2, lastError: 'mailbox full' });
    expect(await store.claim(email.id, 60_000)).toBeNull();
  });

  it('when only a failed e-mail is requeued, then it is pending with attempts 0; a pending one is refused', async () => {
    const pending = await afterFailedFirstSend();
    expect(await store.requeue(pending.id)).toBeNull();

    const email = await record();
    await store.markUnsent(email.id, 1, 'failed', 'mailbox full');
    expect(await store.requeue(email.id)).toMatchObject({ id: email.id, status: 'pending', attempts: 0 });
  });
});
