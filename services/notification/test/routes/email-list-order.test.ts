import { randomUUID } from 'node:crypto';
import { databaseTargets } from '@shop/platform/testing';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { welcomeEmail } from '../../src/domain/templates.ts';
import { bearer, buildTestNotification, type TestNotification } from '../helpers.ts';

interface Listed {
  id: number;
  created_at: string;
}

const cursorOf = (body: unknown) => Buffer.from(JSON.stringify(body)).toString('base64url');

describe.each(databaseTargets())('the e-mail list is newest first by creation time ($name)', (target) => {
  let service: TestNotification;
  beforeAll(async () => {
    service = await buildTestNotification(target, { start: false });
  });
  afterEach(() => service.reset());
  afterAll(() => service?.close());

  const record = async (to: string) => {
    const recorded = await service.context.manage.emails.recordOnce(
      randomUUID(),
      welcomeEmail({ to, name: to }),
      60_000,
    );
    if (!recorded) throw new Error('no e-mail recorded');
    return recorded.email.id;
  };
  const walk = async (limit: number): Promise<Listed[]> => {
    const seen: Listed[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const response = await service.app.inject({
        method: 'GET',
        url: `/api/admin/emails?limit=${limit}${query}`,
        headers: bearer(service.tokens.admin),
      });
      expect(response.statusCode).toBe(200);
      const page = response.json() as { items: Listed[]; next_cursor: string | null };
      seen.push(...page.items);
      cursor = page.next_cursor;
    } while (cursor);
    return seen;
  };
  const newestFirst = (items: Listed[]) =>
    [...items].sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || b.id - a.id);

  it('when ids and creation times disagree (a consumer that started first committed last), then pages follow the times, each e-mail once', async () => {
    const ids = [];
    for (let i = 0; i < 7; i += 1) ids.push(await record(`user${i}@example.com`));
    // What concurrent consumers leave behind: a later id with an earlier time, and equal times.
    const minutesAgo = [3, 9, 1, 9, 5, 7, 2];
    for (const [i, id] of ids.entries()) {
      await service.database.db.execute(
        sql`update notification.emails set created_at = now() - make_interval(mins => ${minutesAgo[i]}) where id = ${id}`,
      );
    }
    for (const limit of [1, 2, 3, 100]) {
      const listed = await walk(limit);
      expect(listed.map((email) => email.id)).toEqual(newestFirst(listed).map((email) => email.id));
      expect(new Set(listed.map((email) => email.id))).toEqual(new Set(ids));
      expect(listed).toHaveLength(ids.length);
    }
  });

  it('when a cursor is forged with a time or id out of range, or for another list, then 400, not 500', async () => {
    for (const id of [1, 2, 3]) await record(`forged${id}@example.com`);
    const forged = [
      { s: 'newest', v: '99999-01-01 00:00:00+00', i: 1 },
      { s: 'newest', v: '2026-02-30 00:00:00+00', i: 1 },
      { s: 'newest', v: 'yesterday', i: 1 },
      { s: 'newest', v: '2026-01-01 00:00:00+00', i: 2 ** 31 },
      { s: 'newest', v: '2026-01-01 00:00:00+00', i: 0 },
      { s: 'newest', v: '2026-01-01 00:00:00+00', i: 1.5 },
      { s: 'oldest', v: '2026-01-01 00:00:00+00', i: 1 },
      { i: 4 },
    ];
    for (const body of forged) {
      const response = await service.app.inject({
        method: 'GET',
        url: `/api/admin/emails?cursor=${cursorOf(body)}`,
        headers: bearer(service.tokens.admin),
      });
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
    }
  });
});

/** Two real transactions at once need PostgreSQL: PGlite is one connection. */
const postgres = databaseTargets().filter((target) => target.name === 'postgres');

describe.each(postgres)('the e-mail list under concurrent consumers ($name)', (target) => {
  let service: TestNotification;
  beforeAll(async () => {
    service = await buildTestNotification(target, { start: false });
  });
  afterAll(() => service?.close());

  const record = async (to: string) => {
    const recorded = await service.context.manage.emails.recordOnce(
      randomUUID(),
      welcomeEmail({ to, name: to }),
      60_000,
    );
    if (!recorded) throw new Error('no e-mail recorded');
    return recorded.email.id;
  };

  it('when two consumers insert at once and the one that began first commits last, then the list still runs newest first', async () => {
    let first = 0;
    let second = 0;
    await service.database.db.transaction(async (tx) => {
      await tx.execute(sql`select now()`); // fixes this transaction's now(), its e-mail's created_at
      await new Promise((resolve) => setTimeout(resolve, 20));
      first = await record('committed-first@example.com'); // another connection, another transaction
      const rows = await tx.execute<{ id: number }>(
        sql`insert into notification.emails (event_id, kind, "to", subject, text, html)
              values (${randomUUID()}, 'welcome', 'began-first@example.com', 'Hi', 'Hi', '<p>Hi</p>') returning id`,
      );
      second = Number((rows as unknown as { rows: Array<{ id: number }> }).rows[0]?.id);
    });
    expect(second).toBeGreaterThan(first);
    const response = await service.app.inject({
      method: 'GET',
      url: '/api/admin/emails',
      headers: bearer(service.tokens.admin),
    });
    expect((response.json() as { items: Listed[] }).items.map((email) => email.id)).toEqual([first, second]);
  });
});
