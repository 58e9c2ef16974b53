import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { problem } from './problem.ts';

/**
 * What a client hears when its bytes are not HTTP the server can parse (a header too
 * large, a malformed request line, a request that took too long to arrive): the same
 * problem+json as every other error, written straight to the socket, which then closes.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  // A response already under way cannot be followed by another: the connection just ends.
  const pending = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (pending?.headersSent) {
    socket.destroy(error);
    return;
  }
  const [status, detail] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'The request headers are larger than this server accepts.']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'The request did not arrive in time.']
        : [400, 'The request is not valid HTTP.'];
  const body = JSON.stringify(problem(status, status === 400 ? 'invalid_input' : 'request_rejected', detail));
  if (!socket.writable) {
    socket.destroy(error);
    return;
  }
  // Closed for writing after the answer, not destroyed at once: bytes the client is still
  // sending (the rest of an oversized header) would otherwise make the kernel reset the
  // connection, and the client would lose the answer before reading it.
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}

/** How long a closing connection may still take the client's remaining bytes. */
const LINGER_MS = 1_000;
