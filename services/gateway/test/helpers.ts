/**
 * The gateway over real HTTP, in front of plain node:http upstreams that record what
 * reached them (or in front of real services, in the tests that start them).
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@shop/platform';
import { Client, type Dispatcher } from 'undici';
import { expect } from 'vitest';
import { buildGatewayApp, type GatewayDeps, type GatewayService } from '../src/app.ts';
import type { ServiceName } from '../src/routes-table.ts';

export const silentLogger = () => createLogger({ name: 'gateway-test', level: 'silent' });

/** What an upstream received. */
export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  bodyLength: number;
  bodySha256: string;
}

export interface TestUpstream {
  url: string;
  port: number;
  received: Received[];
  close(): Promise<void>;
}

export type UpstreamHandler = (request: IncomingMessage, response: ServerResponse, body: Buffer) => void;

/** Answers 200 JSON naming the service and echoing what it got. */
export const echo =
  (service: string): UpstreamHandler =>
  (request, response, body) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ service, method: request.method, url: request.url, body_length: body.length }));
  };

/** A node:http server on 127.0.0.1, port 0; `handler` answers once the whole body has arrived. */
export async function startUpstream(handler: UpstreamHandler, options: { raw?: boolean } = {}): Promise<TestUpstream> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    if (options.raw) {
      received.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        bodyLength: 0,
        bodySha256: '',
      });
      handler(request, response, Buffer.alloc(0));
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      received.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        bodyLength: body.length,
        bodySha256: sha256(body),
      });
      handler(request, response, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A local port nothing listens on. */
export async function closedPortUrl(): Promise<string> {
  const upstream = await startUpstream(() => {});
  await upstream.close();
  return upstream.url;
}

export const TEST_CONFIG: GatewayDeps['config'] = {
  PUBLIC_URL: 'http://shop.test',
  ACCOUNT_URL: 'http://127.0.0.1:9',
  PRODUCT_URL: 'http://127.0.0.1:9',
  CART_URL: 'http://127.0.0.1:9',
  ORDER_URL: 'http://127.0.0.1:9',
  NOTIFICATION_URL: 'http://127.0.0.1:9',
  ANALYTICS_URL: 'http://127.0.0.1:9',
  UPSTREAM_TIMEOUT_MS: 2_000,
  RATE_LIMIT_REQUESTS: 0,
  RATE_LIMIT_WINDOW: 10,
  TRUST_PROXY: 'false',
  REQUEST_TIMEOUT_MS: 60_000,
  CORS_ORIGINS: '',
  HSTS_MAX_AGE: 0,
};

export const URL_KEYS: Record<ServiceName, keyof GatewayDeps['config']> = {
  account: 'ACCOUNT_URL',
  product: 'PRODUCT_URL',
  cart: 'CART_URL',
  order: 'ORDER_URL',
  notification: 'NOTIFICATION_URL',
  analytics: 'ANALYTICS_URL',
};

export interface TestGateway extends GatewayService {
  url: string;
  /** Sends a request with the path exactly as given (no URL normalisation on the way). */
  send(options: {
    method?: Dispatcher.HttpMethod;
    path: string;
    headers?: Record<string, string>;
    body?: string | Buffer | Dispatcher.DispatchOptions['body'];
  }): Promise<TestResponse>;
  close(): Promise<void>;
}

export interface TestResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

/** The gateway built from `config` (over TEST_CONFIG), listening on 127.0.0.1, port 0. */
export async function startTestGateway(
  config: Partial<GatewayDeps['config']> = {},
  deps: Omit<GatewayDeps, 'config' | 'logger'> = {},
): Promise<TestGateway> {
  const service = await buildGatewayApp({ config: { ...TEST_CONFIG, ...config }, logger: silentLogger(), ...deps });
  await service.app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(service.app.server.address() as AddressInfo).port}`;
  const client = new Client(url);
  return {
    ...service,
    url,
    send: async ({ method = 'GET', path, headers, body }) => {
      const response = await client.request({ method, path, headers, body });
      const buffer = Buffer.from(await response.body.arrayBuffer());
      return {
        status: response.statusCode,
        headers: response.headers,
        body: buffer,
        text: buffer.toString('utf8'),
        json: <T>() => JSON.parse(buffer.toString('utf8')) as T,
      };
    },
    close: async () => {
      await client.close();
      await service.app.close();
    },
  };
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Asserts an RFC 9457 problem with `status`, returns its body. */
export function expectProblem(response: TestResponse, status: number) {
  expect(response.status, response.text).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = response.json<{ type: string; title: string; status: number; detail: string }>();
  expect(body).toMatchObject({ status, type: expect.any(String), title: expect.any(String) });
  expect(typeof body.detail).toBe('string');
  expect(response.text).not.toMatch(/<html|\bat .+\.(ts|js):\d+|node_modules/i);
  return body;
}
