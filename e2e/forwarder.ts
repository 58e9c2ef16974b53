import { createConnection, createServer, type Server, type Socket } from 'node:net';

/** The servers' ports when their URL names none. */
const DEFAULT_PORTS: Record<string, number> = { 'postgres:': 5432, 'postgresql:': 5432, 'redis:': 6379, 'amqp:': 5672 };

/**
 * A TCP forwarder on another address of this machine: connections to it are piped to
 * a server that listens elsewhere (PostgreSQL, Redis and RabbitMQ on 127.0.0.1), so hosts
 * on a network that cannot reach the machine's loopback can still use them.
 */
export class TcpForwarder {
  private constructor(
    private readonly server: Server,
    /** Both ends of every forwarded connection still open. */
    private readonly sockets: Set<Socket>,
    readonly host: string,
    readonly port: number,
  ) {}

  /** Listens on `host` (a free port) and forwards to `target`, a URL whose host and port are the server's. */
  static async start(host: string, target: string): Promise<TcpForwarder> {
    const { hostname, port, protocol } = new URL(target);
    const targetPort = Number(port) || DEFAULT_PORTS[protocol];
    if (!targetPort) throw new Error(`no port in ${protocol}// URL to forward to`);
    const sockets = new Set<Socket>();
    const server = createServer((client) => {
      const upstream = createConnection({ host: hostname.replace(/^\[|\]$/g, ''), port: targetPort });
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        // One side failing ends both: the other must see the connection go, as it would without us.
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => resolve());
    });
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('the forwarder has no port');
    return new TcpForwarder(server, sockets, host, address.port);
  }

  /** `url` with its host and port replaced by this forwarder's. */
  url(url: string): string {
    const forwarded = new URL(url);
    forwarded.hostname = this.host;
    forwarded.port = String(this.port);
    return forwarded.toString();
  }

  /** Stops listening and drops every connection. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}
