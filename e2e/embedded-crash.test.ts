/**
 * Crashes in embedded mode: `npm start` (one process, PGlite, the in-process bus) killed
 * with SIGKILL between a commit and the delivery it announces, then started again on the
 * same data. Whatever was committed reaches its consumer after the restart: a job waiting
 * for its retry, and events between the outbox and their consumers.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startSmtpServer } from '../services/notification/test/mail/smtp-server.ts';
import { bearer, json, post } from './http.ts';
import { eventually, freePort, type RunningStack, type ServiceName, shopPorts, startStackOn } from './stack.ts';

interface EmailSummary {
  id: number;
  to: string;
  subject: string;
  status: string;
  attempts: number;
  last_error: string | null;
}
type Shop = { urls: Record<ServiceName, string>; env: Record<string, string> };

const RUN = randomBytes(3).toString('hex');
const bySubject = (a: { subject: string }, b: { subject: string }) => a.subject.localeCompare(b.subject);

async function login(gateway: string, email: string, password: string): Promise<string> {
  const response = await json(
    await fetch(`${gateway}/api/auth/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'password', username: email, password }),
    }),
  );
  expect(response.status).toBe(200);
  return response.body.access_token as string;
}

async function register(gateway: string, name: string): Promise<string> {
  const email = `${name}-${RUN}@example.com`;
  const response = await post(`${gateway}/api/auth/register`, { email, name, password: 'crash-password' });
  expect(response.status).toBe(201);
  return email;
}

/** Every e-mail the notification service holds, all pages. */
async function allEmails(gateway: string, adminToken: string): Promise<EmailSummary[]> {
  const emails: EmailSummary[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const page = await json(
      await fetch(`${gateway}/api/admin/emails?limit=100${query}`, { headers: bearer(adminToken) }),
    );
    expect(page.status).toBe(200);
    emails.push(...(page.body.items as EmailSummary[]));
    cursor = page.body.next_cursor;
  } while (cursor);
  return emails;
}

/** Every order, all pages, as the admin sees them. */
async function allOrders(gateway: string, adminToken: string): Promise<Array<{ id: number }>> {
  const orders: Array<{ id: number }> = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const page = await json(
      await fetch(`${gateway}/api/admin/orders?limit=100${query}`, { headers: bearer(adminToken) }),
    );
    expect(page.status).toBe(200);
    orders.push(...(page.body.items as Array<{ id: number }>));
    cursor = page.body.next_cursor;
  } while (cursor);
  return orders;
}

describe('embedded mode, killed and restarted', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A shop of its own: free ports, a fresh data folder, no demo catalog. */
  async function newShop(env: Record<string, string>): Promise<{ shop: Shop; env: Record<string, string> }> {
    const dataDir = mkdtempSync(join(tmpdir(), 'shop-crash-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    return {
      shop: await shopPorts(),
      env: { DATA_DIR: dataDir, DATABASE_URL: '', AMQP_URL: '', REDIS_URL: '', DEMO_CATALOG: 'false', ...env },
    };
  }

  async function start(shop: Shop, env: Record<string, string>): Promise<RunningStack> {
    const stack = await startStackOn(shop, env);
    cleanups.push(() => stack.crash());
    return stack;
  }

  /** SIGKILL: the data folder's lock stays behind, and the next start takes it over (its holder is gone). */
  async function crash(stack: RunningStack, _env: Record<string, string>): Promise<void> {
    await stack.crash();
  }

  it('when the shop is killed while an e-mail waits for its retry, then after a restart the e-mail is sent, once', async () => {
    const refusing = await freePort(); // nothing listens there: every send is refused
    const { shop, env } = await newShop({
      SMTP_URL: `smtp://127.0.0.1:${refusing}`,
      EMAIL_ATTEMPTS: '5',
      // Long enough that the retry is still waiting when the shop is killed, short enough
      // that it falls due soon after the restart.
      EMAIL_BACKOFF_MS: '4000',
    });
    const gateway = shop.urls.gateway;
    let stack = await start(shop, env);
    let adminToken = await login(gateway, 'admin@example.com', 'admin12345');
    const ada = await register(gateway, 'ada');

    const failedOnce = await eventually(async () => {
      const welcome = (await allEmails(gateway, adminToken)).find((email) => email.to === ada);
      return welcome && welcome.attempts >= 1 && welcome.last_error ? welcome : undefined;
    });
    expect(failedOnce).toMatchObject({ subject: 'Welcome to the shop', status: 'pending', attempts: 1 });
    await crash(stack, env);

    const smtp = await startSmtpServer();
    cleanups.push(() => smtp.close());
    stack = await start(shop, { ...env, SMTP_URL: smtp.url });
    adminToken = await login(gateway, 'admin@example.com', 'admin12345');
    const sent = await eventually(async () => {
      const welcome = (await allEmails(gateway, adminToken)).find((email) => email.to === ada);
      return welcome?.status === 'sent' ? welcome : undefined;
    }, 20_000).catch(async () => (await allEmails(gateway, adminToken)).find((email) => email.to === ada));
    expect(sent, stack.output()).toMatchObject({ id: failedOnce.id, status: 'sent', attempts: 2 });
    await sleep(500);
    expect(smtp.received.filter((message) => message.to.includes(ada))).toHaveLength(1);
    expect((await allEmails(gateway, adminToken)).filter((email) => email.to === ada)).toHaveLength(1);
    expect(await stack.stop(), stack.output()).toBe(0);
  }, 90_000);

  it('when the shop is killed right after a burst of orders, then after a restart each order has exactly one confirmation e-mail and none is duplicated', async () => {
    // A short send timeout: the dead process's claims on the e-mails it was sending lapse in 3 s.
    // The burst shares one PGlite connection: on a busy machine a reservation can take longer
    // than the order service's default 2 s deadline, which is not what this test is about.
    const { shop, env } = await newShop({ EMAIL_SEND_TIMEOUT_MS: '1000', ORDER_UPSTREAM_TIMEOUT_MS: '10000' });
    const gateway = shop.urls.gateway;
    let stack = await start(shop, env);
    let adminToken = await login(gateway, 'admin@example.com', 'admin12345');
    const category = await json(await post(`${gateway}/api/categories`, { name: `Crash ${RUN}` }, bearer(adminToken)));
    expect(category.status).toBe(201);
    const product = await json(
      await post(
        `${gateway}/api/products`,
        {
          name: 'Crash Cocoa',
          description: 'Cocoa for the crash test',
          price_cents: 300,
          stock: 1_000,
          category_id: category.body.id,
        },
        bearer(adminToken),
      ),
    );
    expect(product.status).toBe(201);
    const customers = await Promise.all(
      ['bo', 'cy', 'di'].map(async (name) => {
        const email = await register(gateway, name);
        return { email, token: await login(gateway, email, 'crash-password') };
      }),
    );

    // Orders in parallel, and the kill as soon as the last one is answered: their events are
    // in the outbox, on the bus or in a consumer's hands, and some e-mails in the worker's.
    const placed = await Promise.all(
      Array.from({ length: 12 }, async (_, n) => {
        const who = customers[n % customers.length] as { email: string; token: string };
        const response = await json(
          await post(
            `${gateway}/api/orders`,
            { items: [{ product_id: product.body.id, quantity: 1 }] },
            { ...bearer(who.token), 'idempotency-key': `crash-${n}` },
          ),
        );
        expect(response.status).toBe(201);
        return { id: response.body.id as number, to: who.email };
      }),
    );
    await crash(stack, env);

    stack = await start(shop, env);
    adminToken = await login(gateway, 'admin@example.com', 'admin12345');
    expect((await allOrders(gateway, adminToken)).map((order) => order.id).sort()).toEqual(
      placed.map((order) => order.id).sort(),
    );
    const expected = placed
      .map((order) => ({ to: order.to, subject: `Your order #${order.id} is confirmed` }))
      .sort(bySubject);
    const confirmations = async () =>
      (await allEmails(gateway, adminToken)).filter((email) => email.subject.includes('is confirmed')).sort(bySubject);
    // Settled: every confirmation sent, those the dead process was sending too, once its claims lapsed.
    const settled = await eventually(async () => {
      const now = await confirmations();
      return now.length >= expected.length && now.every((email) => email.status === 'sent') ? now : undefined;
    }, 30_000).catch(confirmations);
    // Exactly one confirmation per order, each sent: no event lost, none handled twice, none stuck.
    expect(
      settled.map((email) => ({ to: email.to, subject: email.subject, status: email.status })),
      stack.output(),
    ).toEqual(expected.map((email) => ({ ...email, status: 'sent' })));
    // Nothing arrives late (a second delivery of an event would add a second e-mail).
    await sleep(1_000);
    expect((await confirmations()).map((email) => ({ to: email.to, subject: email.subject }))).toEqual(expected);
    expect(await stack.stop(), stack.output()).toBe(0);
  }, 90_000);
});
