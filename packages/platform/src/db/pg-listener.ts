import pg from 'pg';

/** How long to wait before connecting again after the listening connection failed or dropped. */
const RECONNECT_MS = 1_000;

/**
 * LISTENs on one channel on a dedicated connection (a pooled one would lose the LISTEN
 * with its session), and connects again whenever that connection fails or drops.
 * Notifications sent while it was down are lost; `onNotify` is called once after each
 * reconnection so the listener's owner looks for what it may have missed.
 */
export class PgListener {
  private client: pg.Client | undefined;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly channel: string,
    private readonly onNotify: () => void,
  ) {}

  /** Resolves after the first attempt to connect, whether or not it succeeded: a failed one is retried. */
  async open(): Promise<void> {
    await this.connect(false);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(reconnecting: boolean): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: `listen:${this.channel}` });
    client.on('notification', (message) => {
      if (message.channel === this.channel) this.onNotify();
    });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`listen ${client.escapeIdentifier(this.channel)}`);
    } catch {
      await client.end().catch(() => undefined);
      this.reconnectLater();
      return;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    if (reconnecting) this.onNotify();
  }

  private lost(client: pg.Client): void {
    if (client !== this.client) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    this.reconnectLater();
  }

  private reconnectLater(): void {
    if (this.closed) return;
    clearTimeout(this.retry);
    this.retry = setTimeout(() => void this.connect(true), RECONNECT_MS);
    this.retry.unref();
  }
}
