import { createServer } from 'node:net';

/**
 * Ports below Linux's ephemeral range (32768 and up): a port taken with `listen(0)`, or
 * by the OS for an outgoing connection, comes from that range, so a port chosen here and
 * listened on a few seconds later is not taken in between by another test's socket.
 */
const FIRST = 20_000;
const LAST = 32_000;

/** A port free right now on 127.0.0.1, for a server a test starts in another process. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = FIRST + Math.floor(Math.random() * (LAST - FIRST));
    if (await isFree(port)) return port;
  }
  throw new Error(`no free port between ${FIRST} and ${LAST}`);
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
