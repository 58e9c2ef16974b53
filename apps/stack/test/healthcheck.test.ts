/**
 * The container image's health check (apps/stack/src/healthcheck.ts): it finds the port
 * each service listens on the way the service's configuration does, and as a process it
 * exits 0 only when /health/live answers 200.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CONFIG_SCHEMAS } from '../../../test/config-schemas.ts';
import { DEFAULT_PORTS, liveUrl } from '../src/healthcheck.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;

describe('liveUrl', () => {
  it("knows every service's default port, as its configuration has it", () => {
    const defaults = Object.fromEntries(
      Object.entries(CONFIG_SCHEMAS).map(([service, schema]) => [
        service,
        (schema as unknown as { properties: { PORT: { default: number } } }).properties.PORT.default,
      ]),
    );
    expect(DEFAULT_PORTS).toEqual(defaults);
  });

  it('takes <SERVICE>_PORT, else PORT, else the default, on loopback when the service listens everywhere', () => {
    expect(liveUrl({ SERVICE: 'cart' })).toBe('http://127.0.0.1:8007/health/live');
    expect(liveUrl({ SERVICE: 'cart', HOST: '0.0.0.0', PORT: '9000' })).toBe('http://127.0.0.1:9000/health/live');
    expect(liveUrl({ SERVICE: 'cart', PORT: '9000', CART_PORT: '9100' })).toBe('http://127.0.0.1:9100/health/live');
    expect(liveUrl({ SERVICE: 'cart', PORT: '9000', CART_PORT: '' })).toBe('http://127.0.0.1:9000/health/live');
    expect(liveUrl({ SERVICE: 'order', HOST: '::' })).toBe('http://127.0.0.1:8005/health/live');
    expect(liveUrl({ SERVICE: 'order', HOST: '10.1.2.3' })).toBe('http://10.1.2.3:8005/health/live');
    expect(liveUrl({ SERVICE: 'order', ORDER_HOST: 'fd00::5' })).toBe('http://[fd00::5]:8005/health/live');
  });

  it('refuses a SERVICE that is none of the shop', () => {
    expect(() => liveUrl({ SERVICE: 'billing' })).toThrow('SERVICE must be one of account, product');
    expect(() => liveUrl({})).toThrow('(got "")');
  });
});

describe('the health check process', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  /** A stand-in service answering /health/live with `status`; resolves its port. */
  async function serviceAnswering(status: number): Promise<number> {
    server = createServer((request, response) => {
      response.statusCode = request.url === '/health/live' ? status : 404;
      response.end();
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }

  function check(env: Record<string, string>): Promise<number | null> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/stack/src/healthcheck.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: 'ignore',
    });
    return new Promise((resolve) => child.on('exit', resolve));
  }

  it('exits 0 when the service answers 200', async () => {
    const port = await serviceAnswering(200);
    expect(await check({ SERVICE: 'product', PRODUCT_PORT: String(port) })).toBe(0);
  });

  it('exits 1 when the service answers otherwise, or nothing listens', async () => {
    const port = await serviceAnswering(503);
    expect(await check({ SERVICE: 'product', PORT: String(port) })).toBe(1);
    server?.close();
    expect(await check({ SERVICE: 'product', PORT: String(port) })).toBe(1);
  });
});
