/**
 * What the browser tests share: Debian's Chromium driven by playwright-core (never a
 * browser of its own download), a shop of their own (`npm start` on a fresh data folder),
 * an axe-core check for every page a test visits, a screenshot of each step, and signing
 * in through the pages as a person does.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContextOptions, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { startStack } from '../stack.ts';
import { CHROMIUM_PATH, chromiumInstalled, launchChromium } from './chromium.ts';

const SCREENSHOTS = new URL('../screenshots/', import.meta.url).pathname;
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export const ADMIN = { email: 'admin@example.com', password: 'admin12345' };

/**
 * Whether Chromium is there to drive. Missing, a browser suite is skipped with one line
 * saying so; under CI=true it fails the run instead, so CI never passes without them.
 */
export function chromiumAvailable(suite: string): boolean {
  if (chromiumInstalled()) return true;
  const reason = `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`;
  if (process.env.CI === 'true') throw new Error(`CI=true but ${reason}`);
  console.warn(`${suite} skipped: ${reason}`);
  return false;
}

export const launchBrowser = launchChromium;

export interface BrowserShop {
  /** The gateway: the pages and the API on one origin. */
  url: string;
  stop(): Promise<void>;
}

/**
 * `npm start` (embedded, the 50-product demo catalog, admin@example.com / admin12345)
 * on free ports and a data folder of its own, with `env` on top.
 */
export async function startShop(env: Record<string, string> = {}): Promise<BrowserShop> {
  const dataDir = mkdtempSync(join(tmpdir(), 'shop-browser-'));
  try {
    const stack = await startStack({ DATA_DIR: dataDir, DATABASE_URL: '', AMQP_URL: '', REDIS_URL: '', ...env });
    return {
      url: stack.urls.gateway,
      async stop() {
        try {
          const code = await stack.stop();
          if (code !== 0) throw new Error(`the stack exited with ${code}:\n${stack.output()}`);
        } finally {
          rmSync(dataDir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** The phone the storefront must work on: 390×844 CSS pixels, touch. */
export const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};

export interface Visit {
  page: Page;
  /** Runs the axe check and takes the screenshot of the page as it is now; call once per step. */
  step(name: string): Promise<void>;
  /** Errors the page threw (uncaught): none is expected. */
  errors: Error[];
  close(): Promise<void>;
}

/**
 * A fresh context (no cookies, no storage) and a page on `shop`, its steps checked with
 * axe and photographed under e2e/screenshots/<journey>/.
 */
export async function visit(
  browser: Browser,
  shop: BrowserShop,
  journey: string,
  options: BrowserContextOptions = {},
): Promise<Visit> {
  const context = await browser.newContext({
    baseURL: shop.url,
    viewport: { width: 1280, height: 800 },
    locale: 'en-US',
    reducedMotion: 'reduce',
    ...options,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const errors: Error[] = [];
  page.on('pageerror', (error) => errors.push(error));
  const folder = join(SCREENSHOTS, journey);
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  let count = 0;
  const narrow = (options.viewport?.width ?? 1280) < 600;
  return {
    page,
    errors,
    async step(name) {
      await settled(page);
      count += 1;
      await page.screenshot({ path: join(folder, `${String(count).padStart(2, '0')}-${name}.png`) });
      await expectAccessible(page, `${journey}, ${name}`);
      if (narrow) await expectNoSidewaysScroll(page, `${journey}, ${name}`);
    },
    close: () => context.close(),
  };
}

/** Waits until no loading state is shown and the web fonts and visible images are in. */
async function settled(page: Page): Promise<void> {
  await expect.poll(() => page.locator('.state-loading, [aria-busy="true"]').count(), { timeout: 10_000 }).toBe(0);
  await page.evaluate(`(async () => {
    await document.fonts.ready;
    await Promise.all([...document.images].filter((img) => img.loading !== 'lazy' && !img.complete)
      .map((img) => new Promise((done) => {
        img.addEventListener('load', done, { once: true });
        img.addEventListener('error', done, { once: true });
      })));
  })()`);
}

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/**
 * axe-core's WCAG 2.2 A/AA and best-practice rules on the page as it is (an open dialog
 * included): no violation. axe is evaluated through the DevTools protocol, since the
 * shop's CSP (rightly) refuses an injected inline script.
 */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate(`axe
    .run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      resultTypes: ['violations'],
    })
    .then((result) => result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.slice(0, 3).map((node) => node.target.join(' ') + '  ' + node.html.slice(0, 200)),
    })))`)) as Violation[];
  const report = violations
    .map(
      (violation) =>
        `  ${violation.id} (${violation.impact}): ${violation.help}\n    ${violation.nodes.join('\n    ')}`,
    )
    .join('\n');
  expect(violations, `axe violations on ${where} (${page.url()}):\n${report}`).toEqual([]);
}

/** Nothing wider than the screen: a phone reader never scrolls sideways. */
async function expectNoSidewaysScroll(page: Page, where: string): Promise<void> {
  const { scrollWidth, clientWidth } = (await page.evaluate(
    '({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth })',
  )) as { scrollWidth: number; clientWidth: number };
  expect(scrollWidth, `${where}: the page is wider than the screen`).toBeLessThanOrEqual(clientWidth);
}

/** How a journey works the controls: by mouse (or finger), or by keyboard alone. */
export interface Hands {
  /** Presses a button or follows a link. */
  activate(target: Locator): Promise<void>;
  /** Presses a button twice in quick succession. */
  activateTwice(target: Locator): Promise<void>;
  /** Types into an empty field. */
  type(target: Locator, text: string): Promise<void>;
  /** Closes the open dialog. */
  dismiss(): Promise<void>;
}

export function pointer(page: Page): Hands {
  return {
    activate: (target) => target.click(),
    activateTwice: (target) => target.dblclick(),
    type: (target, text) => target.fill(text),
    dismiss: () => page.keyboard.press('Escape'),
  };
}

/** Tab to reach a control, Enter to use it, Escape to close a dialog: no pointer at all. */
export function keyboard(page: Page): Hands {
  return {
    async activate(target) {
      await tabTo(page, target);
      await page.keyboard.press('Enter');
    },
    async activateTwice(target) {
      await tabTo(page, target);
      await page.keyboard.press('Enter');
      await page.keyboard.press('Enter');
    },
    async type(target, text) {
      await tabTo(page, target);
      await page.keyboard.type(text);
    },
    dismiss: () => page.keyboard.press('Escape'),
  };
}

/** Presses Tab until `target` has the focus; fails when it never gets it (unreachable by keyboard). */
export async function tabTo(page: Page, target: Locator, limit = 200): Promise<void> {
  await target.waitFor();
  for (let presses = 0; presses < limit; presses++) {
    if (await target.evaluate((element) => element === element.ownerDocument.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${limit} presses of Tab never reached ${target}`);
}

/** The page's h1, once it reads `name`. */
export async function heading(page: Page, name: string | RegExp): Promise<Locator> {
  const h1 = page.getByRole('heading', { level: 1, name, exact: typeof name === 'string' });
  await h1.waitFor();
  return h1;
}

/** Signs in on /signin as a person does, and waits to be sent on to `next`. */
export async function signIn(
  visit: Visit,
  hands: Hands,
  account: { email: string; password: string },
  next = '/',
): Promise<void> {
  const { page } = visit;
  await page.goto(`/signin?next=${encodeURIComponent(next)}`);
  await heading(page, 'Sign in');
  await visit.step('sign-in');
  await hands.type(page.getByLabel('E-mail', { exact: true }), account.email);
  await hands.type(page.getByLabel('Password', { exact: true }), account.password);
  await hands.activate(page.getByRole('button', { name: 'Sign in', exact: true }));
  await page.waitForURL((url) => url.pathname + url.search === next, { timeout: 15_000 });
}

/** An access token from the API itself, to check what the pages did behind them. */
export async function apiToken(shop: BrowserShop, account: { email: string; password: string }): Promise<string> {
  const response = await fetch(`${shop.url}/api/auth/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'password', username: account.email, password: account.password }),
  });
  expect(response.status, await response.clone().text()).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}
