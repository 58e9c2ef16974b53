import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createHttpApp } from '../src/http/app.ts';
import { createLogger } from '../src/logger.ts';

/** A logger at `level` whose lines land in the returned array. */
function capturingLogger(level: string) {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: createLogger({ name: 'accesslog', level }, stream), lines };
}

async function appLoggingAt(level: string) {
  const { logger, lines } = capturingLogger(level);
  const app = await createHttpApp({ name: 'accesslog', logger, publicUrl: 'http://localhost:8080', docs: false });
  app.get('/things/:id', async () => ({ ok: true }));
  await app.ready();
  return { app, lines };
}

describe('access lines', () => {
  it('when the level is info, then requests write no line of their own', async () => {
    const { app, lines } = await appLoggingAt('info');
    for (const url of ['/things/1', '/things/2', '/nowhere']) await app.inject({ method: 'GET', url });
    await app.close();
    expect(lines.filter((line) => line.reqId !== undefined)).toEqual([]);
  });

  it('when the level is debug, then each request writes one line with its method, URL, status and time', async () => {
    const { app, lines } = await appLoggingAt('debug');
    await app.inject({ method: 'GET', url: '/things/7', headers: { 'x-request-id': 'req-7' } });
    await app.close();
    const access = lines.filter((line) => line.reqId === 'req-7');
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({
      level: 20,
      method: 'GET',
      url: '/things/7',
      statusCode: 200,
      msg: 'request completed',
    });
    expect(access[0]?.responseTime).toEqual(expect.any(Number));
  });
});
