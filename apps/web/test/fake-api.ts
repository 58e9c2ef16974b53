import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the fake API received it. */
export interface Received {
  method: string;
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** The JSON body, parsed; the text when it is not JSON. */
  body: unknown;
  /** The body's bytes as they came (an uploaded image). */
  raw: Buffer;
}

export interface Reply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Answer this much later (a request still in flight). */
  delayMs?: number;
}

/** Answers a request; `params` are the route's `:name` parts (also on `request.params`). */
export type Handler = (request: Received, params: Record<string, string>) => Reply | Promise<Reply>;

/**
 * A real HTTP server on a free local port that answers like the shop's API: routes are
 * `'METHOD /path/:param'` → handler, replaceable while a test runs; every request is kept.
 * Answers CORS, since the page (happy-dom) lives on another origin.
 */
export async function startFakeApi(routes: Record<string, Handler>) {
  const table: Record<string, Handler> = { ...SIGNED_IN, ...routes };
  const requests: Received[] = [];
  let pending = 0;
  let lastSeen = Date.now();
  const server = createServer((req, res) => {
    pending++;
    lastSeen = Date.now();
    res.on('close', () => {
      pending--;
      lastSeen = Date.now();
    });
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-allow-methods', 'GET, POST, PUT, PATCH, DELETE');
    res.setHeader('access-control-allow-headers', req.headers['access-control-request-headers'] ?? '*');
    res.setHeader('access-control-expose-headers', 'retry-after');
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const raw = Buffer.concat(chunks);
      const text = raw.toString();
      const received: Received = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        params: {},
        headers: req.headers,
        body: text && req.headers['content-type']?.includes('json') ? JSON.parse(text) : text,
        raw,
      };
      requests.push(received);
      const match = route(table, received);
      const reply: Reply = match
        ? await match(received, received.params)
        : problem(404, `The fake API has no route for ${received.method} ${received.path}.`);
      if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
      const status = reply.status ?? 200;
      const type = status >= 400 ? 'application/problem+json' : 'application/json';
      res.writeHead(status, { 'content-type': type, ...reply.headers });
      res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    routes: table,
    requests,
    /** The requests to one route, e.g. `'POST /api/orders'`. */
    sent: (methodAndPath: string) =>
      requests.filter((request) => `${request.method} ${request.path}` === methodAndPath),
    /**
     * Stops once the page has gone quiet: requests it started just before the test ended
     * (a cart read, say) get their answer instead of a reset connection.
     */
    close: async () => {
      while (pending > 0 || Date.now() - lastSeen < 200) await new Promise((resolve) => setTimeout(resolve, 20));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

export type FakeApi = Awaited<ReturnType<typeof startFakeApi>>;

/** An RFC 9457 problem reply, as the API sends them. */
export function problem(status: number, detail: string, extra: Record<string, unknown> = {}): Reply {
  return { status, body: { type: 'about:blank', title: 'Error', status, detail, ...extra } };
}

function route(table: Record<string, Handler>, request: Received): Handler | undefined {
  for (const [key, handler] of Object.entries(table)) {
    const [method, pattern = ''] = key.split(' ');
    const params = method === request.method ? matchPath(pattern, request.path) : null;
    if (params) {
      request.params = params;
      return handler;
    }
  }
  return undefined;
}

/** `/api/cart/items/:id` against `/api/cart/items/3` → `{id: '3'}`, or null. */
function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (const [index, part] of want.entries()) {
    const actual = got[index] ?? '';
    if (part.startsWith(':')) params[part.slice(1)] = actual;
    else if (part !== actual) return null;
  }
  return params;
}

/** What a signed-in session asks at start: a new access token for the stored refresh token, then who it is. */
const SIGNED_IN: Record<string, Handler> = {
  'POST /api/auth/token': () => ({
    body: { access_token: 'access', expires_in: 900, refresh_token: 'refresh', scope: '', token_type: 'Bearer' },
  }),
  'GET /api/account/me': () => ({
    body: {
      id: 7,
      email: 'ada@example.com',
      name: 'Ada',
      role: 'customer',
      is_active: true,
      created_at: '2025-01-01T00:00:00Z',
    },
  }),
};
