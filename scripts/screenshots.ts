/**
 * `npm run screenshots`: the README's pictures of the web app. Starts the shop as `npm start`
 * does (embedded, the demo catalog) on free ports and a data folder of its own, and takes
 * the storefront's catalog, the admin's products and its analytics dashboard at 1280×800 and
 * the catalog on a 390×844 phone with Debian's Chromium, into docs/screenshots/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { launchChromium, signInThroughPage } from '../e2e/browser/chromium.ts';
import { startStack } from '../e2e/stack.ts';

const OUT = new URL('../docs/screenshots/', import.meta.url).pathname;
const ADMIN = { email: 'admin@example.com', password: 'admin12345' };
const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 800 } };
const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

async function shoot(
  browser: Browser,
  options: BrowserContextOptions,
  file: string,
  show: (page: Page) => Promise<void>,
): Promise<void> {
  // Light mode, and no caret blinking or hover state caught mid-way.
  const context = await browser.newContext({ ...options, colorScheme: 'light', reducedMotion: 'reduce' });
  try {
    const page = await context.newPage();
    await show(page);
    await page.mouse.move(0, 0);
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: join(OUT, file) });
    console.log(`  docs/screenshots/${file}`);
  } finally {
    await context.close();
  }
}

const dataDir = mkdtempSync(join(tmpdir(), 'shop-screenshots-'));
const stack = await startStack({ DATA_DIR: dataDir, DATABASE_URL: '', AMQP_URL: '', REDIS_URL: '' });
const shop = stack.urls.gateway;
let browser: Browser | undefined;
try {
  mkdirSync(OUT, { recursive: true });
  browser = await launchChromium();
  const catalog = async (page: Page) => {
    await page.goto(`${shop}/`, { waitUntil: 'networkidle' });
    await page.getByRole('main').getByRole('article').first().waitFor();
  };
  await shoot(browser, DESKTOP, 'storefront.png', catalog);
  await shoot(browser, PHONE, 'storefront-phone.png', catalog);
  await shoot(browser, DESKTOP, 'admin-products.png', async (page) => {
    await signInThroughPage(page, shop, ADMIN, '/admin/products');
    await page.getByRole('heading', { level: 1, name: 'Manage products' }).waitFor();
    await page.getByRole('main').getByRole('table').waitFor();
  });
  await shoot(browser, DESKTOP, 'admin-dashboard.png', async (page) => {
    await signInThroughPage(page, shop, ADMIN, '/admin/analytics');
    // The demo order history is loaded in the background after the start: look again until its sales are in.
    const chart = page.locator('.sales-chart canvas');
    for (let tries = 1; ; tries++) {
      await page.locator('.sales-chart canvas, .state-empty').first().waitFor();
      if (await chart.isVisible()) break;
      if (tries === 60) throw new Error('the dashboard showed no sales within a minute');
      await page.waitForTimeout(1_000);
      await page.reload();
    }
  });
} finally {
  await browser?.close();
  const code = await stack.stop();
  rmSync(dataDir, { recursive: true, force: true });
  if (code !== 0) {
    console.error(`the shop exited with ${code}:\n${stack.output()}`);
    process.exitCode = 1;
  }
}
