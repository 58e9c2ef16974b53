import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';

/** How much of a refused body is read and thrown away, at most, and for how long. */
const DISCARD_LIMIT_BYTES = 64 * 1024 * 1024;
const DISCARD_LIMIT_MS = 30_000;

/**
 * A request refused before its body was read (413: bigger than the limit, by its
 * Content-Length) makes Fastify close the connection as soon as it has answered. A
 * client, or the gateway, still sending that body then sees the connection reset instead
 * of the answer. So the rest of the body is read and thrown away (up to a bound, then the
 * connection is closed after all), and the connection stays usable: whoever sent the
 * body reads the 413.
 */
export function discardRefusedBodies(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode === 413 && !request.raw.complete && reply.getHeader('connection') === 'close') {
      reply.removeHeader('connection');
      discardRestOfBody(request.raw);
    }
    return payload;
  });
}

/**
 * Reads what is left of a request body and throws it away, so the connection can carry
 * the next request; past a bound (64 MiB, 30 s) the connection is closed instead.
 */
export function discardRestOfBody(body: IncomingMessage): void {
  if (body.complete) return;
  body.unpipe();
  let received = 0;
  const giveUp = () => body.socket?.destroy();
  const timer = setTimeout(giveUp, DISCARD_LIMIT_MS);
  timer.unref();
  body.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > DISCARD_LIMIT_BYTES) giveUp();
  });
  body.once('close', () => clearTimeout(timer));
  body.resume();
}
