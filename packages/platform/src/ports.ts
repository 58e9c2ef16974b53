import { createServer } from 'node:net';
import { describeListenError } from './shutdown.ts';

/**
 * Fails with a clear message when `port` is taken, before anything is opened: a second
 * `npm start` must stop at the port, not after touching the first one's data.
 */
export async function assertPortFree(host: string, port: number, service: string, variable: string): Promise<void> {
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port, exclusive: true }, resolve);
    });
  } catch (error) {
    throw new Error(describeListenError(error, service, port, variable));
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}
