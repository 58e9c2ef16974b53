import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '@shop/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placeholderPng } from '../../../services/product/src/seed/placeholder-image.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;

/**
 * `npm start` as a user runs it, once its first step has brought the build up to date
 * (test/global-setup.ts does that here): `node --conditions=production
 * apps/stack/dist/main.js`, embedded mode, its own data folder and port.
 */
function startStack(env: Record<string, string>): {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
} {
  const child = spawn(process.execPath, ['--conditions=production', 'apps/stack/dist/main.js'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: '', REDIS_URL: '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (chunk) => {
    text += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    text += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => text, exited };
}

async function waitFor(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not become ready`);
}

describe('npm start (embedded mode)', () => {
  let dataDir: string;
  let port: number;
  let gatewayPort: number;
  let base: string;
  let catalog: string;
  let mail: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'shop-stack-'));
    port = await freePort();
    gatewayPort = await freePort();
    // Clients use the gateway: the one origin for every service.
    base = `http://127.0.0.1:${gatewayPort}`;
    const productPort = await freePort();
    catalog = `http://127.0.0.1:${productPort}`;
    const orderPort = await freePort();
    const notificationPort = await freePort();
    mail = `http://127.0.0.1:${notificationPort}`;
    env = {
      DATA_DIR: dataDir,
      ACCOUNT_PORT: String(port),
      GATEWAY_PORT: String(gatewayPort),
      GATEWAY_METRICS_PORT: String(await freePort()),
      CART_PORT: String(await freePort()),
      PRODUCT_PORT: String(productPort),
      ORDER_PORT: String(orderPort),
      NOTIFICATION_PORT: String(notificationPort),
      ANALYTICS_PORT: String(await freePort()),
      ARGON2_MEMORY_KIB: '1024',
      ARGON2_TIME_COST: '1',
    };
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('when started, stopped and started again, then it prints its URLs and the admin, and keeps the data', async () => {
    const first = startStack(env);
    await waitFor(`${base}/health/ready`);
    await waitFor(`${catalog}/health/ready`);
    await waitFor(`${mail}/health/ready`);
    await waitFor(`${base}/docs`);
    expect(first.output()).toContain(`http://localhost:${gatewayPort}/docs`);
    expect(first.output()).toContain('admin@example.com / admin12345');

    // The first start loads the demo catalog, images included.
    const products = (await (await fetch(`${catalog}/api/products?limit=100`)).json()) as {
      items: Array<{ image_url: string }>;
    };
    expect(products.items.length).toBeGreaterThanOrEqual(40);
    const categories = (await (await fetch(`${catalog}/api/categories`)).json()) as { items: Array<{ slug: string }> };
    expect(categories.items.map((c: { slug: string }) => c.slug).sort()).toEqual([
      'bakery',
      'beverage',
      'meat',
      'nonfood',
      'seafood',
    ]);
    const image = await fetch(`${catalog}${products.items[0]?.image_url}`);
    expect(image.headers.get('content-type')).toBe('image/png');

    const register = await fetch(`${base}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'kept@example.com', name: 'Kept', password: 'kept-password' }),
    });
    expect(register.status).toBe(201);

    // A second start while the first runs says clearly that the port is taken.
    const second = startStack(env);
    expect(await second.exited).not.toBe(0);
    expect(second.output()).toMatch(/Port \d+ is already in use/);

    // On another port, the same data folder is refused: PGlite is one process's database.
    const third = startStack({
      ...env,
      ACCOUNT_PORT: String(await freePort()),
      GATEWAY_PORT: String(await freePort()),
      GATEWAY_METRICS_PORT: String(await freePort()),
      CART_PORT: String(await freePort()),
      PRODUCT_PORT: String(await freePort()),
      ORDER_PORT: String(await freePort()),
      NOTIFICATION_PORT: String(await freePort()),
      ANALYTICS_PORT: String(await freePort()),
    });
    expect(await third.exited).not.toBe(0);
    expect(third.output()).toContain('Another process is using the data directory');

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const again = startStack(env);
    try {
      await waitFor(`${base}/health/ready`);
      const login = await fetch(`${base}/api/auth/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'password', username: 'kept@example.com', password: 'kept-password' }),
      });
      expect(login.status).toBe(200);
      expect(again.output()).not.toContain('created now');
      await waitFor(`${catalog}/health/ready`);
      const categories = (await (await fetch(`${catalog}/api/categories`)).json()) as {
        items: Array<{ slug: string }>;
      };
      expect(categories.items).toHaveLength(5); // loaded once, not again on restart
    } finally {
      again.child.kill('SIGTERM');
      await again.exited;
    }
  }, 120_000);

  it('when it is stopped while an upload streams in through the gateway, then the upload completes, it exits 0, and the image is there after a restart', async () => {
    const running = startStack(env);
    let restarted: ReturnType<typeof startStack> | undefined;
    try {
      await waitFor(`${base}/health/ready`);
      const login = await fetch(`${base}/api/auth/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'password', username: 'admin@example.com', password: 'admin12345' }),
      });
      const { access_token: token } = (await login.json()) as { access_token: string };
      const products = (await (await fetch(`${base}/api/products?limit=1`)).json()) as { items: Array<{ id: number }> };
      const id = products.items[0]?.id;
      const png = placeholderPng({ seed: 'shutdown', hue: 200, size: 512 });

      // Half the image now, SIGTERM, the other half after: the request is in flight throughout.
      const upload = request(`${base}/api/products/${id}/image`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png', 'content-length': png.length },
      });
      const answered = new Promise<number>((resolve, reject) => {
        upload.on('response', (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
        });
        upload.on('error', reject);
      });
      upload.write(png.subarray(0, png.length / 2));
      await sleep(300);
      running.child.kill('SIGTERM');
      await sleep(500);
      upload.end(png.subarray(png.length / 2));
      expect(await answered).toBe(200);
      expect(await running.exited).toBe(0);

      restarted = startStack(env);
      await waitFor(`${base}/health/ready`);
      const { image_url } = (await (await fetch(`${base}/api/products/${id}`)).json()) as { image_url: string };
      const stored = Buffer.from(await (await fetch(`${base}${image_url}`)).arrayBuffer());
      expect(stored.equals(png)).toBe(true);
    } finally {
      running.child.kill('SIGTERM');
      restarted?.child.kill('SIGTERM');
      await running.exited;
      await restarted?.exited;
    }
  }, 120_000);
});
