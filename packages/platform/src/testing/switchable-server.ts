import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A listening server a test can take away (connections dropped) and bring back on its port. */
export interface SwitchableServer {
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Listening again if stopped: an app closes its server itself and expects it to listen. */
  restore(): Promise<void>;
}

export function switchableServer(server: Server): SwitchableServer {
  const { port } = server.address() as AddressInfo;
  let listening = true;
  const start = async () => {
    if (listening) return;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    listening = true;
  };
  return {
    async stop() {
      if (!listening) return;
      listening = false;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
    start,
    restore: start,
  };
}
