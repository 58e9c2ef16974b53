import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp, type HttpApp, ONE_MIB } from '../src/http/app.ts';
import { createLogger } from '../src/logger.ts';

/** A request over one kept-alive connection (the agent has one socket), answered in full. */
function send(
  url: string,
  agent: Agent,
  options: { method: string; body?: Buffer },
): Promise<{ status: number; text: string; socket: unknown }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (options.body) headers['content-length'] = String(options.body.length);
    const outgoing = request(url, { method: options.method, agent, headers, timeout: 5_000 }, (response) => {
      let text = '';
      response.on('data', (chunk) => {
        text += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text, socket: outgoing.socket }));
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error('timed out: the connection is stuck')));
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

describe('a body refused before it is read', () => {
  let app: HttpApp;
  let url: string;

  beforeAll(async () => {
    app = await createHttpApp({ name: 'refusedbody', logger: createLogger({ name: 'test', level: 'silent' }) });
    app.post('/things', async () => ({ ok: true }));
    app.get('/things', async () => ({ ok: true }));
    await app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/things`;
  });
  afterAll(() => app.close());

  it('when a client sends a body over the limit, then it reads the 413, and the same connection serves its next requests', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const tooBig = Buffer.alloc(3 * ONE_MIB, 0x20);
      const first = await send(url, agent, { method: 'POST', body: tooBig });
      expect(first.status).toBe(413);
      expect(JSON.parse(first.text)).toMatchObject({ status: 413 });
      const second = await send(url, agent, { method: 'POST', body: tooBig });
      expect(second.status).toBe(413);
      const next = await send(url, agent, { method: 'GET' });
      expect(next.status).toBe(200);
      // One connection all along: it was neither closed nor left waiting for the rest of a body.
      expect(second.socket).toBe(first.socket);
      expect(next.socket).toBe(first.socket);
    } finally {
      agent.destroy();
    }
  });
});
