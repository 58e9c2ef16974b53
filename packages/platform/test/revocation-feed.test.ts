import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EVENT_TYPES } from '@shop/contracts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RevocationFeed } from '../src/http/revocation-feed.ts';
import { createLogger } from '../src/logger.ts';
import { InProcessBus } from '../src/messaging/in-process-bus.ts';
import { cloudEvent } from '../src/messaging/outbox.ts';

const logger = createLogger({ name: 'test', level: 'silent' });
const at = (seconds: number) => new Date(seconds * 1000).toISOString();
const token = (subject: string, issuedAt: number) => ({ subject, issuedAt, clientId: undefined });

/** Stands in for the account service's GET /internal/revocations (its real route is tested in the account service). */
async function listServer() {
  const state = { items: [] as Array<{ user_id: number; not_before: string }>, status: 200, calls: 0 };
  const server: Server = createServer((request, response) => {
    state.calls += 1;
    if (request.url !== '/internal/revocations') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(state.status, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ items: state.items }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { state, url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('RevocationFeed', () => {
  let account: Awaited<ReturnType<typeof listServer>>;
  let bus: InProcessBus;
  let feed: RevocationFeed;
  const now = Math.floor(Date.now() / 1000);

  beforeEach(async () => {
    account = await listServer();
    bus = new InProcessBus({ logger });
  });
  afterEach(async () => {
    await feed?.stop();
    await bus.close();
    await account.close();
  });

  it('when it starts, then the account service’s list is in force before the first request', async () => {
    account.state.items = [{ user_id: 7, not_before: at(now - 10) }];
    feed = new RevocationFeed({ accountUrl: account.url, bus, logger });
    await feed.start();
    expect(feed.ready).toBe(true);
    expect(feed.list.refuses(token('7', now - 20))).toBe(true);
    expect(feed.list.refuses(token('7', now - 10))).toBe(false);
    expect(feed.list.refuses(token('8', now - 20))).toBe(false);
  });

  it('when a user_sessions_revoked event arrives, then that user’s earlier tokens are refused at once', async () => {
    feed = new RevocationFeed({ accountUrl: account.url, bus, logger });
    await feed.start();
    await bus.publish(
      cloudEvent('/account', EVENT_TYPES.userSessionsRevoked, {
        user_id: 9,
        not_before: at(now),
        reason: 'deactivated',
      }),
    );
    await vi.waitFor(() => expect(feed.list.refuses(token('9', now - 1))).toBe(true), { timeout: 1_000 });
    expect(feed.list.refuses(token('9', now))).toBe(false);
  });

  it('when an event is malformed, then it is ignored and the feed goes on', async () => {
    feed = new RevocationFeed({ accountUrl: account.url, bus, logger });
    await feed.start();
    await bus.publish(cloudEvent('/account', EVENT_TYPES.userSessionsRevoked, { user_id: 'nine' }));
    await bus.publish(
      cloudEvent('/account', EVENT_TYPES.userSessionsRevoked, {
        user_id: 3,
        not_before: at(now),
        reason: 'role_changed',
      }),
    );
    await vi.waitFor(() => expect(feed.list.refuses(token('3', now - 1))).toBe(true), { timeout: 1_000 });
    expect(feed.list.size).toBe(1);
  });

  it('when the account service is down at start, then the feed starts anyway and reads the list once it is back', async () => {
    account.state.status = 503;
    account.state.items = [{ user_id: 5, not_before: at(now) }];
    feed = new RevocationFeed({ accountUrl: account.url, bus, logger, resyncSeconds: 1 });
    await feed.start();
    expect(feed.ready).toBe(false);
    expect(feed.list.refuses(token('5', now - 1))).toBe(false);
    account.state.status = 200;
    await vi.waitFor(() => expect(feed.list.refuses(token('5', now - 1))).toBe(true), { timeout: 3_000 });
  });

  it('when a resync no longer lists an old revocation, then it is forgotten, while one that just came by event stays', async () => {
    account.state.items = [{ user_id: 1, not_before: at(now - 3_600) }];
    feed = new RevocationFeed({ accountUrl: account.url, bus, logger, resyncSeconds: 1 });
    await feed.start();
    expect(feed.list.refuses(token('1', now - 4_000))).toBe(true);
    account.state.items = [];
    await bus.publish(
      cloudEvent('/account', EVENT_TYPES.userSessionsRevoked, {
        user_id: 2,
        not_before: at(now),
        reason: 'deactivated',
      }),
    );
    const calls = account.state.calls;
    await vi.waitFor(() => expect(account.state.calls).toBeGreaterThan(calls), { timeout: 3_000 });
    await vi.waitFor(() => expect(feed.list.refuses(token('1', now - 4_000))).toBe(false), { timeout: 3_000 });
    expect(feed.list.refuses(token('2', now - 1))).toBe(true);
  });
});
