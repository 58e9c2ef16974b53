import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_WEB_DIR, resolveWebDir } from '../src/web.ts';
import {
  echo,
  expectProblem,
  startTestGateway,
  startUpstream,
  type TestGateway,
  type TestUpstream,
} from './helpers.ts';

const INDEX =
  '<!doctype html><html><body><div id="root"></div><script type="module" src="/assets/app-4f9a1c.js"></script></body></html>';
const SCRIPT = 'console.log("shop");';
const PAGE = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

let webDir: string;
let product: TestUpstream;

beforeAll(async () => {
  webDir = mkdtempSync(join(tmpdir(), 'shop-web-'));
  mkdirSync(join(webDir, 'assets'));
  writeFileSync(join(webDir, 'index.html'), INDEX);
  writeFileSync(join(webDir, 'assets', 'app-4f9a1c.js'), SCRIPT);
  writeFileSync(join(webDir, 'assets', 'app-4f9a1c.js.br'), brotliCompressSync(SCRIPT));
  writeFileSync(join(webDir, 'assets', 'app-4f9a1c.js.gz'), gzipSync(SCRIPT));
  writeFileSync(join(webDir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  product = await startUpstream(echo('product'));
});

afterAll(async () => {
  rmSync(webDir, { recursive: true, force: true });
  await product?.close();
});

describe('with a built web app', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({ PRODUCT_URL: product.url }, { webDir: resolveWebDir(webDir) });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it('when / is opened, then index.html is served and must be revalidated', async () => {
    const response = await gateway.send({ path: '/', headers: PAGE });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.text).toBe(INDEX);
    expect(response.headers['cache-control']).toBe('no-cache');
  });

  it('when a hashed asset is fetched, then it is served with a year of immutable caching', async () => {
    const response = await gateway.send({ path: '/assets/app-4f9a1c.js' });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/javascript/);
    expect(response.text).toBe(SCRIPT);
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('when the client takes Brotli or gzip, then the build’s precompressed copy is sent, with Vary: Accept-Encoding', async () => {
    for (const [encoding, decode] of [
      ['br', brotliDecompressSync],
      ['gzip', gunzipSync],
    ] as const) {
      const response = await gateway.send({ path: '/assets/app-4f9a1c.js', headers: { 'accept-encoding': encoding } });
      expect(response.status).toBe(200);
      expect(response.headers['content-encoding']).toBe(encoding);
      expect(String(response.headers.vary)).toMatch(/accept-encoding/i);
      expect(decode(response.body).toString()).toBe(SCRIPT);
    }
    const plain = await gateway.send({ path: '/assets/app-4f9a1c.js' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.text).toBe(SCRIPT);
  });

  it('when the app is rebuilt while the gateway runs, then the new build’s files are served, with the same caching', async () => {
    writeFileSync(join(webDir, 'assets', 'app-b7e2d0.js'), 'console.log("rebuilt");');
    const response = await gateway.send({ path: '/assets/app-b7e2d0.js', headers: PAGE });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/javascript/);
    expect(response.text).toBe('console.log("rebuilt");');
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('when another file at the root is fetched, then it is served but revalidated', async () => {
    const response = await gateway.send({ path: '/favicon.svg' });
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('no-cache');
  });

  it('when a client-side route is reloaded in the browser, then index.html is served (SPA fallback)', async () => {
    for (const path of ['/orders/12', '/admin/products?page=2', '/account']) {
      const response = await gateway.send({ path, headers: PAGE });
      expect(response.status, path).toBe(200);
      expect(response.text).toBe(INDEX);
      expect(response.headers['cache-control']).toBe('no-cache');
    }
    const head = await gateway.send({ method: 'HEAD', path: '/orders/12', headers: PAGE });
    expect(head.status).toBe(200);
  });

  it('when a missing file is fetched by a script or image (no text/html), then it is a 404 problem, not the page', async () => {
    expectProblem(await gateway.send({ path: '/assets/missing-123.js', headers: { accept: '*/*' } }), 404);
    expectProblem(await gateway.send({ path: '/orders/12', headers: { accept: 'application/json' } }), 404);
  });

  it('when an API-like path is unknown, then it is a 404 problem even for a browser', async () => {
    for (const path of ['/api/unknown', '/internal/reservations', '/health/nothing', '/docs/nothing']) {
      expectProblem(await gateway.send({ path, headers: PAGE }), 404);
    }
  });

  it('when a page path is sent another method, then it is a 404 problem', async () => {
    expectProblem(await gateway.send({ method: 'POST', path: '/orders/12', headers: PAGE, body: '' }), 404);
  });

  it('when the API is called next to the web app, then it is proxied as usual', async () => {
    const response = await gateway.send({ path: '/api/products', headers: PAGE });
    expect(response.json()).toMatchObject({ service: 'product' });
  });

  it('when a file outside the web folder is asked for, then it is not served', async () => {
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/assets/../../package.json']) {
      const response = await gateway.send({ path, headers: PAGE });
      expect(response.text).not.toContain('"name"');
      expect(response.status).toBe(404);
    }
  });
});

describe('without a built web app', () => {
  it('when / is opened, then it names the API and its docs instead of a 404', async () => {
    const gateway = await startTestGateway({ PRODUCT_URL: product.url });
    try {
      const response = await gateway.send({ path: '/' });
      expect(response.status).toBe(200);
      expect(response.json()).toMatchObject({ api: '/api', docs: '/docs', openapi: '/openapi.json' });
      expectProblem(await gateway.send({ path: '/orders/12', headers: PAGE }), 404);
    } finally {
      await gateway.close();
    }
  });

  it('when WEB_DIR has no index.html, then there is no web app to serve', () => {
    const empty = mkdtempSync(join(tmpdir(), 'shop-web-empty-'));
    try {
      expect(resolveWebDir(empty)).toBeUndefined();
      expect(resolveWebDir(webDir)).toBe(resolve(webDir));
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('when WEB_DIR is empty, then the repository’s apps/web/dist is the one looked for', () => {
    const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
    expect(DEFAULT_WEB_DIR).toBe(join(repoRoot, 'apps', 'web', 'dist'));
  });
});
