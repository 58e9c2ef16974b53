/**
 * `npm run bench -- web`: the web app's budgets, in Debian's Chromium, on a 10,000-product
 * catalog.
 *
 * The whole shop as one process (apps/stack/src/main.ts) in server mode on PostgreSQL, a
 * fresh database shop_bench_web seeded with 10,000 products by the seed script, the newest
 * 24 (the storefront's first page) given 400×400 PNG images through the admin API; the
 * in-process bus and no Redis (no page reads either). The gateway serves a build of the
 * web app made here with Vite's manifest, which also tells which files each entry loads.
 *
 * - JS gzipped, from that build: the storefront's initial JS (index.html's entry and its
 *   static imports) and the admin's lazy entry (what it adds on top).
 * - Lighthouse 12, mobile preset (simulated slow 4G, 4× CPU slowdown): performance on the
 *   catalog (median of 3, cold); accessibility on catalog, product, cart, checkout, my
 *   orders, admin products, admin orders; best practices and SEO on the public storefront
 *   pages. Signed-in pages: signed in through the /signin page in Lighthouse's own Chromium
 *   profile (playwright-core over the DevTools port), then audited with storage kept.
 * - playwright-core, desktop 1280×800, no throttling: the catalog's first page visible in a
 *   fresh context (median of 5) next to the same 24 cards as a static page served by the
 *   same gateway and the API call alone; search, Enter → the first matching card (median of
 *   5) next to the search API call alone; the layout shift of those catalog loads.
 *
 * Settings: BENCH_DATABASE_URL (its server; default postgres://postgres@127.0.0.1:5432),
 * CHROMIUM_PATH (default /usr/bin/chromium).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { type Browser, chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH, launchChromium, signInThroughPage } from '../e2e/browser/chromium.ts';
import { placeholderPng } from '../services/product/src/seed/placeholder-image.ts';
import {
  dropDatabase,
  freePort,
  loadAverage,
  post,
  type Report,
  recreateDatabase,
  runProcess,
  startProcess,
  stop,
  withClient,
  withDatabase,
} from './lib.ts';

const SERVER_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/shop_bench';
const DATABASE_URL = withDatabase(SERVER_URL, 'shop_bench_web');
const WEB_ROOT = new URL('../apps/web/', import.meta.url).pathname;

const PRODUCTS = 10_000;
/** The storefront's first page of cards. */
const FIRST_PAGE = 24;
const ADMIN = { email: 'admin@example.com', password: 'bench-admin-password' };
const CUSTOMER = { email: 'web-bench@example.com', name: 'Web Bench', password: 'bench-customer-password' };
const SEARCHES = ['smoked', 'espresso', 'sourdough', 'candle', 'mackerel'];
const SAMPLES = 5;
const LIGHTHOUSE_PERFORMANCE_RUNS = 3;

interface Figure {
  name: string;
  value: number;
  unit: '' | 'ms' | 'KB';
  budget: { at: 'most' | 'least'; limit: number };
  /** What the same measure gives without the app, measured in this run. */
  baseline?: string;
  /** Why a score is below 100: the failing audits. */
  detail?: string;
}

export async function webScenario(): Promise<Report> {
  const step = (text: string) => console.log(`web: ${text}`);
  const loadBefore = loadAverage();
  const work = mkdtempSync(join(tmpdir(), 'shop-bench-web-'));
  const webDir = join(work, 'web');
  const figures: Figure[] = [];
  let stack: Awaited<ReturnType<typeof startProcess>> | undefined;
  try {
    step('building the web app with its manifest');
    figures.push(...(await bundleFigures(webDir)));

    step(`a fresh ${databaseName(DATABASE_URL)} with ${PRODUCTS} products`);
    await recreateDatabase(DATABASE_URL);
    await runProcess(
      process.execPath,
      ['--import', 'tsx', 'services/product/src/seed/seed-catalog.ts', '--products', String(PRODUCTS)],
      { DATABASE_URL },
      { capture: true },
    );
    const firstPage = await withClient(DATABASE_URL, async (client) => {
      const rows = await client.query<{ id: number; name: string; price_cents: number; stock: number }>(
        'select id, name, price_cents, stock from product.products order by created_at desc, id desc limit $1',
        [FIRST_PAGE],
      );
      return rows.rows;
    });
    writeFileSync(join(webDir, 'baseline.html'), staticCatalog(webDir, firstPage));

    step('starting the shop (server mode, one process)');
    const port = await freePort();
    const shop = `http://127.0.0.1:${port}`;
    const env: Record<string, string> = {
      DATABASE_URL,
      AMQP_URL: '',
      REDIS_URL: '',
      DEMO_CATALOG: 'false',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: 'warn',
      SMTP_URL: '',
      RATE_LIMIT_REQUESTS: '0',
      WEB_DIR: webDir,
      IMAGE_DIR: join(work, 'images'),
      PUBLIC_URL: shop,
      GATEWAY_PORT: String(port),
      GATEWAY_METRICS_PORT: String(await freePort()),
    };
    for (const name of ['ACCOUNT', 'PRODUCT', 'CART', 'ORDER', 'NOTIFICATION', 'ANALYTICS']) {
      env[`${name}_PORT`] = String(await freePort());
    }
    stack = await startProcess(
      process.execPath,
      ['--import', 'tsx', 'apps/stack/src/main.ts'],
      env,
      `${shop}/health/ready`,
      { logFile: join(work, 'stack.log'), attempts: 360 },
    );

    step('images for the first page, a customer with an order and a cart');
    const productId = await prepareShop(shop, firstPage);

    step('timings in Chromium (playwright-core)');
    const browser = await launchChromium();
    try {
      figures.push(...(await timingFigures(browser, shop)));
    } finally {
      await browser.close();
    }

    step('Lighthouse');
    figures.push(...(await lighthouseFigures(shop, productId)));
  } finally {
    if (stack) await stop(stack);
    await dropDatabase(DATABASE_URL).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }

  const missed = figures.filter((figure) => !met(figure));
  return {
    duration: 0,
    rows: [],
    setting: `Lighthouse 12 and ${CHROMIUM_PATH}, ${PRODUCTS} products, load average at the start ${loadBefore}`,
    notes: [
      ...table(figures),
      missed.length === 0
        ? 'every budget met'
        : `budgets MISSED: ${missed.map((figure) => `${figure.name} (${show(figure)})`).join('; ')}`,
    ],
  };
}

/** Builds the app into `outDir` with Vite's manifest and measures what each entry loads, gzipped. */
async function bundleFigures(outDir: string): Promise<Figure[]> {
  const { build } = await import('vite');
  await build({
    root: WEB_ROOT,
    configFile: join(WEB_ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, manifest: true },
  });
  type Chunk = { file: string; imports?: string[]; isEntry?: boolean; isDynamicEntry?: boolean };
  const manifest = JSON.parse(readFileSync(join(outDir, '.vite', 'manifest.json'), 'utf8')) as Record<string, Chunk>;
  const closure = (key: string, seen = new Set<string>()): Set<string> => {
    if (seen.has(key)) return seen;
    seen.add(key);
    for (const imported of manifest[key]?.imports ?? []) closure(imported, seen);
    return seen;
  };
  const gzipped = (keys: Iterable<string>) =>
    [...keys].reduce(
      (sum, key) => sum + gzipSync(readFileSync(join(outDir, manifest[key]?.file ?? ''))).length / 1024,
      0,
    );
  const initial = closure('index.html');
  const adminKey = Object.keys(manifest).find((key) => key.startsWith('src/admin/') && manifest[key]?.isDynamicEntry);
  if (!adminKey) throw new Error('the build has no lazy admin entry under src/admin/');
  const admin = [...closure(adminKey)].filter((key) => !initial.has(key));
  return [
    {
      name: 'storefront initial JS, gzipped (entry + static imports)',
      value: round(gzipped(initial), 1),
      unit: 'KB',
      budget: { at: 'most', limit: 130 },
    },
    {
      name: 'admin entry JS, gzipped (what /admin adds)',
      value: round(gzipped(admin), 1),
      unit: 'KB',
      budget: { at: 'most', limit: 220 },
    },
  ];
}

/** The first page's 24 cards as plain HTML with the app's stylesheet: the least such a page costs. */
function staticCatalog(
  webDir: string,
  products: Array<{ id: number; name: string; price_cents: number; stock: number }>,
): string {
  const index = readFileSync(join(webDir, 'index.html'), 'utf8');
  const stylesheets = index.match(/<link rel="stylesheet"[^>]*>/g) ?? [];
  const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'EUR' });
  const html = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const cards = products.map(
    (product, i) => `<article class="card product-card" aria-labelledby="p${product.id}">
<img class="product-image" src="/api/products/${product.id}/image" alt="${html(product.name)}" width="400" height="400" loading="${i < 8 ? 'eager' : 'lazy'}" decoding="async">
<h2 id="p${product.id}" class="product-card-name"><a href="/products/${product.id}">${html(product.name)}</a></h2>
<div class="product-card-meta"><span class="price">${money.format(product.price_cents / 100)}</span> <span class="badge badge-ok">In stock</span></div>
<button type="button" class="button add-to-cart">Add to cart</button>
</article>`,
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Products · Shop</title>${stylesheets.join('')}</head>
<body><main id="main"><section class="page"><h1>Products</h1><div class="grid">
${cards.join('\n')}
</div></section></main></body></html>`;
}

/** Images for the first page, and a customer with one order and two lines in the cart. Returns a product's id. */
async function prepareShop(shop: string, firstPage: Array<{ id: number; name: string }>): Promise<number> {
  const token = async (account: { email: string; password: string }) =>
    (
      (await post(
        `${shop}/api/auth/token`,
        new URLSearchParams({ grant_type: 'password', username: account.email, password: account.password }).toString(),
        'application/x-www-form-urlencoded',
      )) as { access_token: string }
    ).access_token;
  const send = async (
    method: string,
    path: string,
    bearer: string,
    body?: string | Uint8Array,
    type = 'application/json',
  ) => {
    const response = await fetch(`${shop}${path}`, {
      method,
      body,
      headers: {
        authorization: `Bearer ${bearer}`,
        'content-type': type,
        ...(path === '/api/orders' ? { 'idempotency-key': 'web-bench-order' } : {}),
      },
    });
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
  };
  const admin = await token(ADMIN);
  for (const [i, product] of firstPage.entries()) {
    const png = placeholderPng({ seed: product.name, hue: (i * 47) % 360, size: 400 });
    await send('PUT', `/api/products/${product.id}/image`, admin, new Uint8Array(png), 'image/png');
  }
  const listed = (await (await fetch(`${shop}/api/products?limit=${FIRST_PAGE}`)).json()) as {
    items: Array<{ id: number }>;
  };
  if (listed.items.map((item) => item.id).join() !== firstPage.map((product) => product.id).join()) {
    throw new Error("the API's first page is not the 24 products the static page shows");
  }

  await post(`${shop}/api/auth/register`, JSON.stringify(CUSTOMER), 'application/json');
  const customer = await token(CUSTOMER);
  const [a, b, c, d] = firstPage.slice(2, 6).map((product) => product.id);
  for (const id of [a, b]) await send('PUT', `/api/cart/items/${id}`, customer, JSON.stringify({ quantity: 1 }));
  await send('POST', '/api/orders', customer, JSON.stringify({ from_cart: true }));
  // Other products than the order's: the order empties the cart of what it bought, later.
  for (const id of [c, d]) await send('PUT', `/api/cart/items/${id}`, customer, JSON.stringify({ quantity: 2 }));
  return firstPage[0]?.id ?? 0;
}

/** Runs in every page before its own scripts: when the first card shows, the layout shifts, when Enter went down. */
const PROBES = `
  window.__cls = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__cls += entry.value;
  }).observe({ type: 'layout-shift', buffered: true });
  new MutationObserver((_, observer) => {
    if (!document.querySelector('main article')) return;
    observer.disconnect();
    requestAnimationFrame((frame) => { window.__firstCards = frame; });
  }).observe(document, { childList: true, subtree: true });
  document.addEventListener('keydown', (event) => { if (event.key === 'Enter') window.__enterAt = performance.now(); }, true);
`;

/** A function, not a string: the shop's CSP forbids eval in the page. */
const firstCardsShown = () => (globalThis as { __firstCards?: number }).__firstCards;

/** Resolves with the time of the first frame whose first card is named `expected`. */
const FIRST_CARD_NAMED = `(expected) => new Promise((resolve) => {
  const shown = () => document.querySelector('main article h2')?.textContent?.trim() === expected;
  const done = () => requestAnimationFrame((frame) => resolve(frame));
  if (shown()) return done();
  const observer = new MutationObserver(() => { if (shown()) { observer.disconnect(); done(); } });
  observer.observe(document, { childList: true, subtree: true, characterData: true });
})`;

async function timingFigures(browser: Browser, shop: string): Promise<Figure[]> {
  const apiMs = async (path: string) => {
    const started = performance.now();
    const response = await fetch(`${shop}${path}`);
    await response.arrayBuffer();
    return performance.now() - started;
  };
  /** A fresh context (empty cache, no storage), the page loaded until its first card is painted. */
  const coldLoad = async (path: string) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addInitScript(PROBES);
    const page = await context.newPage();
    await page.goto(`${shop}${path}`, { waitUntil: 'commit' });
    const shown = (await (
      await page.waitForFunction(firstCardsShown, undefined, { timeout: 15_000 })
    ).jsonValue()) as number;
    // Images and late layout settle; whatever moves within this second counts.
    await page.waitForLoadState('load');
    await page.waitForTimeout(1_000);
    const cls = (await page.evaluate('window.__cls')) as number;
    const cards = (await page.evaluate("document.querySelectorAll('main article').length")) as number;
    await context.close();
    return { shown, cls, cards };
  };

  await coldLoad('/'); // the server's caches and JIT warm, not counted
  await coldLoad('/baseline.html');
  const app = [];
  const baseline = [];
  const api = [];
  for (let i = 0; i < SAMPLES; i++) {
    app.push(await coldLoad('/'));
    baseline.push(await coldLoad('/baseline.html'));
    api.push(await apiMs(`/api/products?limit=${FIRST_PAGE}`));
  }
  const cardsShown = app[0]?.cards ?? 0;
  if (cardsShown !== FIRST_PAGE)
    console.warn(`web: the catalog showed ${cardsShown} cards, the static page ${FIRST_PAGE}`);

  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(PROBES);
  const page = await context.newPage();
  const searches = [];
  const searchApi = [];
  for (const words of SEARCHES) {
    const found = (await (await fetch(`${shop}/api/products?q=${words}&limit=${FIRST_PAGE}`)).json()) as {
      items: Array<{ name: string }>;
    };
    const expected = found.items[0]?.name;
    if (!expected) throw new Error(`no product matches "${words}"`);
    await page.goto(`${shop}/`);
    await page.waitForFunction(firstCardsShown);
    const box = page.getByRole('searchbox', { name: 'Search', exact: true });
    await box.fill(words);
    const painted = page.evaluate(`(${FIRST_CARD_NAMED})(${JSON.stringify(expected)})`) as Promise<number>;
    await box.press('Enter');
    const at = await painted;
    searches.push(at - ((await page.evaluate('window.__enterAt')) as number));
    searchApi.push(await apiMs(`/api/products?q=${words}&limit=${FIRST_PAGE}`));
  }
  await context.close();

  return [
    {
      name: `catalog's first page visible, cold (${PRODUCTS} products, median of ${SAMPLES})`,
      value: round(median(app.map((load) => load.shown))),
      unit: 'ms',
      budget: { at: 'most', limit: 800 },
      baseline: `static page of the same cards ${round(median(baseline.map((load) => load.shown)))} ms; API call alone ${round(median(api), 1)} ms`,
    },
    {
      name: `search: Enter → first matching card (median of ${SEARCHES.length})`,
      value: round(median(searches)),
      unit: 'ms',
      budget: { at: 'most', limit: 500 },
      baseline: `search API call alone ${round(median(searchApi), 1)} ms`,
    },
    {
      name: `cumulative layout shift, catalog load (worst of ${SAMPLES})`,
      value: round(Math.max(...app.map((load) => load.cls)), 3),
      unit: '',
      budget: { at: 'most', limit: 0.02 },
      baseline: `static page ${round(Math.max(...baseline.map((load) => load.cls)), 3)}`,
    },
  ];
}

type Category = 'performance' | 'accessibility' | 'best-practices' | 'seo';
// biome-ignore lint/suspicious/noExplicitAny: Lighthouse's result type is read for a few fields only.
type Lhr = any;

async function lighthouseFigures(shop: string, productId: number): Promise<Figure[]> {
  // Lighthouse's own Chromium, with a profile of its own: signing in there keeps the session for the audits.
  const chrome = await chromeLauncher.launch({ chromePath: CHROMIUM_PATH, chromeFlags: CHROMIUM_ARGS });
  const figures: Figure[] = [];
  /** One Lighthouse run; a run whose trace came out broken (NO_NAVSTART on a busy machine, say) is run again, twice at most. */
  const audit = async (path: string, categories: Category[], keepStorage: boolean): Promise<Lhr> => {
    for (let attempt = 1; ; attempt++) {
      const result = await lighthouse(`${shop}${path}`, {
        port: chrome.port,
        output: 'json',
        logLevel: 'error',
        onlyCategories: categories,
        disableStorageReset: keepStorage,
      });
      if (!result) throw new Error(`Lighthouse returned nothing for ${path}`);
      const failure = result.lhr.runtimeError;
      if (!failure) return result.lhr;
      if (attempt === 3) throw new Error(`Lighthouse on ${path}: ${failure.message}`);
      console.warn(`web: Lighthouse on ${path} failed (${failure.code}), running it again`);
    }
  };
  const scores = (page: string, lhr: Lhr, budgets: Partial<Record<Category, number>>) => {
    for (const [category, limit] of Object.entries(budgets) as Array<[Category, number]>) {
      const result = lhr.categories[category];
      const failing = (result.auditRefs as Array<{ id: string; weight: number }>)
        .filter((ref) => ref.weight > 0 && (lhr.audits[ref.id]?.score ?? 1) < 1)
        .map((ref) => ref.id);
      figures.push({
        name: `Lighthouse ${category}, ${page}`,
        value: Math.round(result.score * 100),
        unit: '',
        budget: { at: 'least', limit },
        detail: failing.length > 0 ? `failing: ${failing.join(', ')}` : undefined,
      });
    }
  };
  /** Signs in through /signin in Lighthouse's profile, and checks each page then shows its heading, not a sign-in prompt. */
  const signIn = async (account: { email: string; password: string }, pages: Record<string, string>) => {
    const browser = await chromium.connectOverCDP(`http://127.0.0.1:${chrome.port}`);
    try {
      const page = await browser.contexts()[0]!.newPage();
      // Signed out first, on a page of the origin that runs no app (which would renew and store its session).
      await page.goto(`${shop}/robots.txt`);
      await page.evaluate('localStorage.clear()');
      await signInThroughPage(page, shop, account, '/');
      for (const [path, title] of Object.entries(pages)) {
        await page.goto(`${shop}${path}`);
        await page.getByRole('heading', { level: 1, name: title, exact: true }).waitFor({ timeout: 15_000 });
      }
      await page.close();
    } finally {
      await browser.close(); // disconnects; the browser stays for Lighthouse
    }
  };
  try {
    const runs: Lhr[] = [];
    for (let i = 0; i < LIGHTHOUSE_PERFORMANCE_RUNS; i++) runs.push(await audit('/', ['performance'], false));
    const sorted = [...runs].sort((x, y) => x.categories.performance.score - y.categories.performance.score);
    const middle = sorted[Math.floor(sorted.length / 2)];
    const metric = (id: string) => middle.audits[id]?.displayValue ?? '?';
    const opportunities = Object.values(middle.audits as Record<string, Lhr>)
      .filter((result) => result.details?.type === 'opportunity' && result.score !== null && result.score < 1)
      .map((result) => `${result.id} (${result.displayValue ?? 'est. savings'})`);
    figures.push({
      name: `Lighthouse performance, catalog, mobile (median of ${runs.length})`,
      value: Math.round(middle.categories.performance.score * 100),
      unit: '',
      budget: { at: 'least', limit: 95 },
      baseline: `runs ${runs.map((run) => Math.round(run.categories.performance.score * 100)).join(', ')}`,
      detail:
        `FCP ${metric('first-contentful-paint')}, LCP ${metric('largest-contentful-paint')}, TBT ${metric('total-blocking-time')}, CLS ${metric('cumulative-layout-shift')}` +
        (opportunities.length > 0 ? `; opportunities: ${opportunities.join(', ')}` : ''),
    });

    const storefront = { accessibility: 100, 'best-practices': 100, seo: 95 };
    scores('catalog', await audit('/', ['accessibility', 'best-practices', 'seo'], false), storefront);
    scores(
      'product',
      await audit(`/products/${productId}`, ['accessibility', 'best-practices', 'seo'], false),
      storefront,
    );
    // Signed-in pages are private (robots.txt keeps /checkout out): no SEO budget there.
    await signIn(CUSTOMER, { '/cart': 'Cart', '/checkout': 'Checkout', '/orders': 'My orders' });
    const privatePage = { accessibility: 100, 'best-practices': 100 };
    scores('cart', await audit('/cart', ['accessibility', 'best-practices'], true), privatePage);
    scores('checkout', await audit('/checkout', ['accessibility', 'best-practices'], true), privatePage);
    scores('my orders', await audit('/orders', ['accessibility', 'best-practices'], true), privatePage);
    await signIn(ADMIN, { '/admin/products': 'Manage products', '/admin/orders': 'Orders' });
    scores('admin products', await audit('/admin/products', ['accessibility'], true), { accessibility: 100 });
    scores('admin orders', await audit('/admin/orders', ['accessibility'], true), { accessibility: 100 });
  } finally {
    chrome.kill();
  }
  return figures;
}

function met(figure: Figure): boolean {
  return figure.budget.at === 'most' ? figure.value <= figure.budget.limit : figure.value >= figure.budget.limit;
}

function show(figure: Figure): string {
  const unit = figure.unit ? ` ${figure.unit}` : '';
  return `${figure.value}${unit}, budget ${figure.budget.at === 'most' ? '≤' : '≥'} ${figure.budget.limit}${unit}`;
}

function table(figures: Figure[]): string[] {
  const width = Math.max(...figures.map((figure) => figure.name.length));
  const header = `${'figure'.padEnd(width)} ${'measured'.padStart(10)} ${'budget'.padStart(10)} ${'verdict'.padStart(7)}`;
  return [
    header,
    ...figures.flatMap((figure) => {
      const unit = figure.unit ? ` ${figure.unit}` : '';
      const budget = `${figure.budget.at === 'most' ? '≤' : '≥'} ${figure.budget.limit}${unit}`;
      const line = `${figure.name.padEnd(width)} ${`${figure.value}${unit}`.padStart(10)} ${budget.padStart(10)} ${(met(figure) ? 'met' : 'MISSED').padStart(7)}`;
      return [
        line,
        ...(figure.baseline ? [`${' '.repeat(width)}   baseline: ${figure.baseline}`] : []),
        ...(figure.detail ? [`${' '.repeat(width)}   ${figure.detail}`] : []),
      ];
    }),
  ];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function round(value: number, digits = 0): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

function databaseName(url: string): string {
  return new URL(url).pathname.slice(1);
}
