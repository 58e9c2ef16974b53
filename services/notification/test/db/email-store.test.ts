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

  it('when the same event is recorded twice, then there is one e-mail and both calls return it', async () => {
    const eventId = randomUUID();
    const first = await store.recordOnce(eventId, draft);
    const second = await store.recordOnce(eventId, { ...draft, subject: 'changed' });

    expect(second).toEqual(first);
    expect(first).toMatchObject({ eventId, status: 'pending', attempts: 0, subject: 'Your order #5 was cancelled' });
    expect((await store.list({ limit: 10 })).items).toHaveLength(1);
  });

  it('when the same event is recorded by two concurrent calls, then one e-mail is stored', async () => {
    const eventId = randomUUID();
    const results = await Promise.all([store.recordOnce(eventId, draft), store.recordOnce(eventId, draft)]);

    expect(results[0]?.id).toBeGreaterThan(0);
    expect(results[1]?.id).toBe(results[0]?.id);
    expect((await store.list({ limit: 10 })).items).toHaveLength(1);
  });

  it('when an e-mail is claimed, then it is sending with one more attempt, and a second claim gets nothing', async () => {
    const email = await store.recordOnce(randomUUID(), draft);
    const claimed = await store.claim(email?.id ?? 0, 60_000);

    expect(claimed).toMatchObject({ id: email?.id, status: 'sending', attempts: 1 });
    expect(await store.claim(email?.id ?? 0, 60_000)).toBeNull();
  });

  it('when a claim has lapsed, then another worker takes the e-mail over and the first one’s outcome is ignored', async () => {
    const email = await store.recordOnce(randomUUID(), draft);
    const id = email?.id ?? 0;
    await store.claim(id, 1);
    await new Promise((resolve) => setTimeout(resolve, 20));

    const takeover = await store.claim(id, 60_000);
    expect(takeover).toMatchObject({ status: 'sending', attempts: 2 });
    await store.markSent(id, 1, 'from the first worker');
    expect(await store.find(id)).toMatchObject({ status: 'sending', raw: null });

    await store.markSent(id, 2, 'from the second worker');
    expect(await store.find(id)).toMatchObject({ status: 'sent', raw: 'from the second worker', attempts: 2 });
    expect((await store.find(id))?.sentAt).toBeInstanceOf(Date);
  });

  it('when a worker died while sending, then the e-mail can be re-queued once its claim has lapsed, not before', async () => {
    const email = await store.recordOnce(randomUUID(), draft);
    const id = email?.id ?? 0;
    await store.claim(id, 60_000);
    expect(await store.requeue(id)).toBeNull(); // the claim still holds: a worker may be sending it

    const other = await store.recordOnce(randomUUID(), draft);
    const otherId = other?.id ?? 0;
    await store.claim(otherId, 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await store.requeue(otherId)).toMatchObject({ status: 'pending', attempts: 0 });
  });

  it('when a send fails, then the e-mail is pending again (or failed) with the error, and no longer claimed', async () => {
    const email = await store.recordOnce(randomUUID(), draft);
    const id = email?.id ?? 0;
    await store.claim(id, 60_000);
    await store.markUnsent(id, 1, 'pending', 'connection reset');
    expect(await store.find(id)).toMatchObject({ status: 'pending', attempts: 1, lastError: 'connection reset' });

    await store.claim(id, 60_000);
    await store.markUnsent(id, 2, 'failed', 'mailbox full');
    expect(await store.find(id)).toMatchObject({ status: 'failed', attempts: 2, lastError: 'mailbox full' });
    expect(await store.claim(id, 60_000)).toBeNull();
  });

  it('when only a failed e-mail is requeued, then it is pending with attempts 0; a pending one is refused', async () => {
    const pending = await store.recordOnce(randomUUID(), draft);
    expect(await store.requeue(pending?.id ?? 0)).toBeNull();

    const email = await store.recordOnce(randomUUID(), draft);
    const id = email?.id ?? 0;
    await store.claim(id, 60_000);
    await store.markUnsent(id, 1, 'failed', 'mailbox full');
    expect(await store.requeue(id)).toMatchObject({ id, status: 'pending', attempts: 0 });
  });
});
