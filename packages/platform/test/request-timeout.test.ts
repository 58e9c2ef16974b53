import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp, type HttpApp } from '../src/http/app.ts';
import { createLogger } from '../src/logger.ts';
import { listen } from '../src/runtime.ts';

interface Dripped {
  answer: string;
  /** Milliseconds from the first byte sent to the connection's close. */
  closedAfterMs: number;
}

/** Sends a request's headers at once, then its body a byte every `everyMs`, until the server hangs up. */
function drip(port: number, head: string, everyMs: number): Promise<Dripped> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let answer = '';
    let timer: NodeJS.Timeout | undefined;
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(head);
      timer = setInterval(() => socket.writable && socket.write('a'), everyMs);
    });
    socket.on('data', (chunk) => {
      answer += chunk;
    });
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ answer, closedAfterMs: Date.now() - started });
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') reject(error);
    });
  });
}

const jsonHead = (bytes: number) =>
  `POST /things HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${bytes}\r\n\r\n`;

describe('a request that takes too long to arrive', () => {
  let app: HttpApp;
  let port: number;

  beforeAll(async () => {
    app = await createHttpApp({
      name: 'timeouts',
      logger: createLogger({ name: 'test', level: 'silent' }),
      requestTimeoutMs: 60_000,
    });
    app.post('/things', { schema: { body: Type.Object({ a: Type.String() }) } }, async () => ({ ok: true }));
    // The configured time wins over the app's default, as in a service's start-up.
    const url = await listen(app, { host: '127.0.0.1', port: 0, service: 'timeouts', requestTimeoutMs: 1_500 });
    port = Number(new URL(url).port || (app.server.address() as AddressInfo).port);
  });
  afterAll(() => app.close());

  it('when a body drips in a byte at a time, then after the request timeout the client gets 408 problem+json and the connection closes', async () => {
    const { answer, closedAfterMs } = await drip(port, jsonHead(100_000), 100);
    const [head = '', body = ''] = answer.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 408 /);
    expect(head).toMatch(/content-type: application\/problem\+json/i);
    expect(JSON.parse(body)).toMatchObject({ status: 408, title: 'Request Timeout' });
    // 1.5 s, checked every second: held for seconds, not the minutes a drip could last.
    expect(closedAfterMs).toBeGreaterThanOrEqual(1_400);
    expect(closedAfterMs).toBeLessThan(5_000);
  });

  it('when the headers themselves drip in, then 408 as well', async () => {
    const { answer } = await drip(port, 'POST /things HTTP/1.1\r\nHost: x\r\nX-Slow: ', 100);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });
});
