/**
 * Debian's Chromium, as the browser tests, the web budgets and the screenshots drive it
 * through playwright-core: never a browser of playwright's own download.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** No GPU, no sandbox (CI runs as root), and nothing that calls out to the internet. */
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

export function chromiumInstalled(): boolean {
  return existsSync(CHROMIUM_PATH);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** Signs in on the shop's /signin page and waits to be sent on to `next`. */
export async function signInThroughPage(
  page: Page,
  base: string,
  account: { email: string; password: string },
  next = '/',
): Promise<void> {
  await page.goto(`${base}/signin?next=${encodeURIComponent(next)}`);
  await page.getByLabel('E-mail', { exact: true }).fill(account.email);
  await page.getByLabel('Password', { exact: true }).fill(account.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((url) => url.pathname + url.search === next, { timeout: 15_000 });
}
