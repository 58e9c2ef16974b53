import {
  EVENT_TYPES,
  REVOCATIONS_PATH,
  RevocationList as RevocationListBody,
  UserSessionsRevoked,
} from '@shop/contracts';
import { Compile } from 'typebox/compile';
import { ServiceClient } from '../http-client.ts';
import { PeriodicJob } from '../jobs/periodic-job.ts';
import type { Logger } from '../logger.ts';
import type { Bus } from '../messaging/bus.ts';
import { RevocationList } from './revocations.ts';

export interface RevocationFeedOptions {
  /** Where the account service is: its list at start and after, from GET /internal/revocations. */
  accountUrl: string;
  /** Where `account.user_sessions_revoked` events arrive; none: the periodic list alone. */
  bus?: Bus;
  logger: Logger;
  /** How often the whole list is read again: it catches what a broken connection missed. Default 4 s. */
  resyncSeconds?: number;
  timeoutMs?: number;
}

const isList = Compile(RevocationListBody);
const isEvent = Compile(UserSessionsRevoked);
/**
 * How often the list is read again: the longest a revocation takes to reach this process
 * when its event does not (the broker is away), within the 5 s the shop promises.
 */
const DEFAULT_RESYNC_SECONDS = 4;

/** Entries this recent are kept through a resync: their event may have come while the list was being read. */
const RECENT_MS = 120_000;

/**
 * Keeps a process's RevocationList current, so its token guard refuses a user's earlier
 * access tokens within seconds of a deactivation, role change or password change in the
 * account service: the account service's list at start, each `account.user_sessions_revoked`
 * event as it comes (every process hears each one: Bus.watch), and the whole list again
 * every `resyncSeconds`, which also forgets revocations no unexpired token can predate.
 * The account service being away is logged; the list it last gave stays in force.
 */
export class RevocationFeed {
  readonly list = new RevocationList();
  private readonly client: ServiceClient;
  private readonly resync: PeriodicJob;
  private synced = false;
  private failing = false;

  constructor(private readonly options: RevocationFeedOptions) {
    this.client = new ServiceClient({
      service: 'account',
      baseUrl: options.accountUrl,
      timeoutMs: options.timeoutMs ?? 2_000,
    });
    this.resync = new PeriodicJob(() => this.readList(), options.resyncSeconds ?? DEFAULT_RESYNC_SECONDS);
  }

  /** Follows the events, then reads the list once (never throws: the account service may still be starting). */
  async start(): Promise<void> {
    await this.options.bus?.watch([EVENT_TYPES.userSessionsRevoked], async (event) => {
      if (!isEvent.Check(event.data)) {
        this.options.logger.warn({ event_id: event.id }, 'malformed user_sessions_revoked event; ignored');
        return;
      }
      this.list.revoke(event.data.user_id, new Date(event.data.not_before));
    });
    this.resync.start();
    await this.resync.runOnce();
  }

  /** True once the account service's list has been read. */
  get ready(): boolean {
    return this.synced;
  }

  async stop(): Promise<void> {
    await this.resync.stop();
    await this.client.close();
  }

  private async readList(): Promise<void> {
    const startedAt = Date.now();
    try {
      const response = await this.client.call('GET', REVOCATIONS_PATH);
      if (response.status !== 200 || !isList.Check(response.body)) {
        throw new Error(`the account service answered ${response.status} to ${REVOCATIONS_PATH}`);
      }
      this.list.replaceWith(
        response.body.items.map((item) => ({ userId: item.user_id, notBefore: new Date(item.not_before) })),
        new Date(startedAt - RECENT_MS),
      );
      this.synced = true;
      if (this.failing) this.options.logger.info('revocation list read again from the account service');
      this.failing = false;
    } catch (error) {
      if (!this.failing) {
        this.options.logger.warn(
          { err: error },
          'cannot read the revocation list from the account service; keeping the last one and retrying',
        );
      }
      this.failing = true;
    }
  }
}
