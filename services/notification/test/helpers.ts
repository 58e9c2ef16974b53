import { randomUUID } from 'node:crypto';
import { EVENT_TYPES, type OrderCancelled, type OrderPlaced, type UserRegistered } from '@shop/contracts';
import { cloudEvent, createLogger, type Database, InProcessBus } from '@shop/platform';
import { type DatabaseTarget, testSigningKey } from '@shop/platform/testing';
import { sql } from 'drizzle-orm';
import { expect, vi } from 'vitest';
import { buildNotificationApp, MIGRATIONS_FOLDER, type NotificationService } from '../src/app.ts';
import type { Email } from '../src/domain/email.ts';
import type { Mailer } from '../src/domain/ports.ts';
import { EMAIL_QUEUE } from '../src/jobs/email-jobs.ts';
import { MailboxMailer } from '../src/mail/mailbox-mailer.ts';

export const ISSUER = 'http://shop.test';
export const MAIL_FROM = 'Shop <shop@localhost>';

export const SCOPES = {
  customer: 'product:read cart:write order:read order:create',
  admin:
    'product:read cart:write order:read order:create product:write inventory:write order:read-all order:write user:read user:write analytics:read',
  support: 'user:read',
};

/** A signing key of the test's own, standing in for the account service's JWKS. */
export async function testTokens() {
  const { verifier, sign } = await testSigningKey(ISSUER);
  return {
    verifier,
    sign,
    admin: await sign({ sub: '1', scope: SCOPES.admin, role: 'admin', email: 'admin@example.com' }),
    customer: await sign({ sub: '2', scope: SCOPES.customer, role: 'customer', email: 'ada@example.com' }),
    support: await sign({ sub: '3', scope: SCOPES.support, role: 'support', email: 'support@example.com' }),
  };
}

export type TestTokens = Awaited<ReturnType<typeof testTokens>>;

export interface TestNotification extends NotificationService {
  database: Database;
  bus: InProcessBus;
  tokens: TestTokens;
  /** Empties the mailbox and the inbox, for the next test of a suite sharing one service. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The notification service on a fresh, migrated database of `target`, an in-process bus
 * with a fast retry policy, and the built-in mailbox unless the test brings a mailer.
 */
export async function buildTestNotification(
  target: DatabaseTarget,
  options: { mailer?: Mailer; attempts?: number; backoffMs?: number; leaseMs?: number; start?: boolean } = {},
): Promise<TestNotification> {
  const { database, cleanup } = await target.open({ service: 'notification', migrationsFolder: MIGRATIONS_FOLDER });
  const tokens = await testTokens();
  const logger = createLogger({ name: 'notification-test', level: 'silent' });
  const bus = new InProcessBus({ logger });
  const service = await buildNotificationApp({
    config: { PUBLIC_URL: ISSUER, EMAIL_ATTEMPTS: options.attempts ?? 5, EMAIL_BACKOFF_MS: options.backoffMs ?? 5 },
    database,
    logger,
    verifier: tokens.verifier,
    bus,
    mailer: options.mailer ?? new MailboxMailer(MAIL_FROM),
    timing: { leaseMs: options.leaseMs ?? 60_000 },
  });
  if (options.start !== false) await service.start();
  return {
    ...service,
    database,
    bus,
    tokens,
    reset: async () => {
      await database.db.execute(sql`truncate notification.emails, notification.inbox restart identity`);
    },
    close: async () => {
      await bus.close();
      await service.app.close();
      await cleanup();
    },
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export const WAIT = { timeout: 10_000, interval: 20 };

/** Events as their publishers write them; `overrides` may break them. */
export function orderPlaced(overrides: Record<string, unknown> = {}) {
  const data: OrderPlaced = {
    order_id: 42,
    user_id: 2,
    email: 'ada@example.com',
    items: [
      { product_id: 1, name: 'Espresso machine', unit_price_cents: 129900, quantity: 1, line_total_cents: 129900 },
      { product_id: 2, name: 'Coffee beans 1 kg', unit_price_cents: 1850, quantity: 2, line_total_cents: 3700 },
    ],
    total_cents: 133600,
    currency: 'EUR',
    from_cart: false,
    reservation_id: randomUUID(),
  };
  return cloudEvent('/order', EVENT_TYPES.orderPlaced, { ...data, ...overrides });
}

export function userRegistered(overrides: Record<string, unknown> = {}) {
  const data: UserRegistered = { user_id: 2, email: 'ada@example.com', name: 'Ada Lovelace' };
  return cloudEvent('/account', EVENT_TYPES.userRegistered, { ...data, ...overrides });
}

export function orderCancelled(overrides: Record<string, unknown> = {}) {
  const data: OrderCancelled = {
    order_id: 42,
    user_id: 2,
    email: 'ada@example.com',
    reason: 'cancelled by the customer',
  };
  return cloudEvent('/order', EVENT_TYPES.orderCancelled, { ...data, ...overrides });
}

/** Every e-mail the service holds, oldest first, through its own store. */
export async function allEmails(service: NotificationService): Promise<Email[]> {
  const page = await service.context.manage.emails.list({ limit: 100 });
  return page.items.reverse();
}

/** Waits until the service holds `count` e-mails, all in `status`; returns them oldest first. */
export async function waitForEmails(
  service: NotificationService,
  count: number,
  status: Email['status'] = 'sent',
): Promise<Email[]> {
  let emails: Email[] = [];
  await vi.waitFor(async () => {
    emails = await allEmails(service);
    expect(emails.map((email) => email.status)).toEqual(Array(count).fill(status));
  }, WAIT);
  return emails;
}

/** Lets queued deliveries and short retries run, for tests asserting that nothing more happens. */
export function settle(ms = 150): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Records the jobs put on the e-mail work queue from now on, through the bus's own
 * enqueue (the one every job goes through). Restored by vi.restoreAllMocks().
 */
export function watchEmailJobs(service: TestNotification): { jobs(): Array<{ id: string; data: unknown }> } {
  const enqueue = vi.spyOn(service.bus, 'enqueue');
  return {
    jobs: () => enqueue.mock.calls.filter(([queue]) => queue === EMAIL_QUEUE).map(([, job]) => job),
  };
}
