import { randomUUID } from 'node:crypto';
import { databaseTargets } from '@shop/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { welcomeEmail } from '../../src/domain/templates.ts';
import { bearer, buildTestNotification, type TestNotification } from '../helpers.ts';

describe.each(databaseTargets())('admin e-mail routes ($name)', (target) => {
  let service: TestNotification;
  /** Ids of the 12 stored e-mails, oldest first: every 4th failed, every 4th + 1 sent, the rest pending (sending). */
  const ids: number[] = [];

  beforeAll(async () => {
    // Not started: nothing sends, so the statuses stay as the test sets them.
    service = await buildTestNotification(target, { start: false });
    const store = service.context.manage.emails;
    for (let i = 0; i < 12; i += 1) {
      const recorded = await store.recordOnce(
        randomUUID(),
        welcomeEmail({ to: `user${i}@example.com`, name: `User <${i}>` }),
        60_000,
      );
      if (!recorded) throw new Error('no e-mail recorded');
      const { email } = recorded;
      ids.push(email.id);
      // Recorded as the consumer does, claimed for its first send; the rest stay so (listed as pending).
      if (i % 4 === 0) await store.markUnsent(email.id, 1, 'failed', 'SMTP 550: no such user');
      else if (i % 4 === 1) await store.markSent(email.id, 1, 'raw message');
    }
  });
  afterAll(async () => {
    await service?.close();
  });

  const get = (url: string, token?: string) =>
    service.app.inject({ method: 'GET', url, headers: token ? bearer(token) : {} });

  describe('auth', () => {
    it('when no token is sent, then every admin route answers 401 with WWW-Authenticate: Bearer', async () => {
      for (const [method, url] of [
        ['GET', '/api/admin/emails'],
        ['GET', `/api/admin/emails/${ids[0]}`],
        ['POST', `/api/admin/emails/${ids[0]}/retry`],
      ] as const) {
        const response = await service.app.inject({ method, url });
        expect(response.statusCode, `${method} ${url}`).toBe(401);
        expect(response.headers['www-authenticate']).toMatch(/^Bearer /);
        expect(response.headers['content-type']).toContain('application/problem+json');
      }
    });

    it('when a customer token is sent, then listing, reading and retrying answer 403', async () => {
      const token = service.tokens.customer;
      expect((await get('/api/admin/emails', token)).statusCode).toBe(403);
      expect((await get(`/api/admin/emails/${ids[0]}`, token)).statusCode).toBe(403);
      const retry = await service.app.inject({
        method: 'POST',
        url: `/api/admin/emails/${ids[0]}/retry`,
        headers: bearer(token),
      });
      expect(retry.statusCode).toBe(403);
    });

    it('when a token has user:read but not user:write, then it reads the e-mails but cannot retry one', async () => {
      expect((await get('/api/admin/emails', service.tokens.support)).statusCode).toBe(200);
      const retry = await service.app.inject({
        method: 'POST',
        url: `/api/admin/emails/${ids[0]}/retry`,
        headers: bearer(service.tokens.support),
      });
      expect(retry.statusCode).toBe(403);
      expect(retry.headers['www-authenticate']).toContain('scope="user:write"');
    });
  });

  describe('list', () => {
    it('when the list is walked 5 at a time, then it returns every e-mail once, newest first, and ends with a null cursor', async () => {
      const seen: number[] = [];
      const pageSizes: number[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor ? `?limit=5&cursor=${cursor}` : '?limit=5';
        const response = await get(`/api/admin/emails${query}`, service.tokens.admin);
        expect(response.statusCode).toBe(200);
        const page = response.json() as { items: Array<{ id: number }>; next_cursor: string | null };
        pageSizes.push(page.items.length);
        seen.push(...page.items.map((item) => item.id));
        cursor = page.next_cursor;
      } while (cursor);
      expect(pageSizes).toEqual([5, 5, 2]);
      expect(seen).toEqual([...ids].reverse());
    });

    it('when no limit is given, then up to 20 e-mails come back, each with exactly the listed fields', async () => {
      const response = await get('/api/admin/emails', service.tokens.admin);
      const page = response.json();
      expect(page.items).toHaveLength(12);
      expect(page.next_cursor).toBeNull();
      expect(page.items[0]).toEqual({
        id: ids[11],
        to: 'user11@example.com',
        subject: 'Welcome to the shop',
        status: 'pending',
        attempts: 1,
        last_error: null,
        created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      });
    });

    it('when filtered by status, then only e-mails in that status come back', async () => {
      const failed = (await get('/api/admin/emails?status=failed', service.tokens.admin)).json();
      expect(failed.items.map((item: { id: number }) => item.id)).toEqual(ids.filter((_, i) => i % 4 === 0).reverse());
      expect(failed.items[0]).toMatchObject({ status: 'failed', attempts: 1, last_error: 'SMTP 550: no such user' });

      const sent = (await get('/api/admin/emails?status=sent&limit=2', service.tokens.admin)).json();
      expect(sent.items.map((item: { id: number }) => item.id)).toEqual([ids[9], ids[5]]);
      const rest = (await get(`/api/admin/emails?status=sent&cursor=${sent.next_cursor}`, service.tokens.admin)).json();
      expect(rest.items.map((item: { id: number }) => item.id)).toEqual([ids[1]]);
      expect(rest.next_cursor).toBeNull();

      const pending = (await get('/api/admin/emails?status=pending&limit=100', service.tokens.admin)).json();
      expect(pending.items.map((item: { id: number }) => item.id)).toEqual(ids.filter((_, i) => i % 4 > 1).reverse());
    });

    it('when the limit, cursor or status is malformed, then the answer is 400 problem+json', async () => {
      for (const query of ['limit=0', 'limit=101', 'limit=ten', 'cursor=not-a-cursor', 'status=sending']) {
        const response = await get(`/api/admin/emails?${query}`, service.tokens.admin);
        expect(response.statusCode, query).toBe(400);
        expect(response.headers['content-type']).toContain('application/problem+json');
      }
    });
  });

  describe('one e-mail', () => {
    it('when an e-mail is read, then it comes with its text, HTML (escaped data) and raw message', async () => {
      const response = await get(`/api/admin/emails/${ids[1]}`, service.tokens.admin);
      expect(response.statusCode).toBe(200);
      const email = response.json();
      expect(email).toMatchObject({ id: ids[1], to: 'user1@example.com', status: 'sent', raw: 'raw message' });
      expect(email.text).toContain('Hello User <1>,');
      expect(email.html).toContain('Hello User &lt;1&gt;,');
    });

    it('when a pending e-mail is read, then its raw message is null', async () => {
      const email = (await get(`/api/admin/emails/${ids[2]}`, service.tokens.admin)).json();
      expect(email).toMatchObject({ id: ids[2], status: 'pending', raw: null });
    });

    it('when the id is unknown, then reading and retrying answer 404', async () => {
      const read = await get('/api/admin/emails/999999', service.tokens.admin);
      expect(read.statusCode).toBe(404);
      expect(read.json().detail).toBe('No e-mail with id 999999.');
      const retry = await service.app.inject({
        method: 'POST',
        url: '/api/admin/emails/999999/retry',
        headers: bearer(service.tokens.admin),
      });
      expect(retry.statusCode).toBe(404);
    });

    it('when the id is not a positive integer, then the answer is 400', async () => {
      expect((await get('/api/admin/emails/abc', service.tokens.admin)).statusCode).toBe(400);
      expect((await get('/api/admin/emails/0', service.tokens.admin)).statusCode).toBe(400);
    });

    it('when a pending e-mail is retried, then the answer is 409', async () => {
      const response = await service.app.inject({
        method: 'POST',
        url: `/api/admin/emails/${ids[3]}/retry`,
        headers: bearer(service.tokens.admin),
      });
      expect(response.statusCode).toBe(409);
      expect(response.json().detail).toBe(`Only a failed e-mail can be retried; e-mail ${ids[3]} is pending.`);
    });
  });
});
