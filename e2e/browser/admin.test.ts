/**
 * The admin in real Chromium, through the pages only: every admin page opens and passes
 * axe; a product created with an uploaded image shows in the storefront; a welcome e-mail
 * the mail server refused is listed as failed and "Retry" sends it; and a customer who
 * types admin URLs sees no admin data while the API refuses them.
 *
 * The shop sends its e-mail to a test SMTP server that refuses mail until told otherwise,
 * with one attempt per e-mail, so a registration's welcome e-mail fails at once.
 */
import { randomBytes } from 'node:crypto';
import type { Browser, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placeholderPng } from '../../services/product/src/seed/placeholder-image.ts';
import { call } from '../http.ts';
import { eventually } from '../stack.ts';
import {
  ADMIN,
  apiToken,
  type BrowserShop,
  chromiumAvailable,
  heading,
  launchBrowser,
  pointer,
  signIn,
  startShop,
  visit,
} from './harness.ts';
import { startRefusingSmtp } from './smtp.ts';

const ready = chromiumAvailable('Browser journeys of the admin');

/** The admin's pages, by the link on /admin that leads to each and the heading it shows. */
const ADMIN_PAGES = [
  { link: 'Products', heading: 'Manage products', path: '/admin/products' },
  { link: 'Categories', heading: 'Categories', path: '/admin/categories' },
  { link: 'Orders', heading: 'Orders', path: '/admin/orders' },
  { link: 'Users', heading: 'Users', path: '/admin/users' },
  { link: 'E-mails', heading: 'E-mails', path: '/admin/emails' },
];

describe.skipIf(!ready)('the admin in Chromium', () => {
  const run = randomBytes(3).toString('hex');
  let smtp: Awaited<ReturnType<typeof startRefusingSmtp>>;
  let shop: BrowserShop;
  let browser: Browser;
  let adminToken: string;

  beforeAll(async () => {
    smtp = await startRefusingSmtp();
    [shop, browser] = await Promise.all([
      startShop({ SMTP_URL: smtp.url, EMAIL_ATTEMPTS: '1', EMAIL_SEND_TIMEOUT_MS: '2000' }),
      launchBrowser(),
    ]);
    adminToken = await apiToken(shop, ADMIN);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await shop?.stop();
    await smtp?.close();
  }, 60_000);

  const register = async (name: string) => {
    const account = { name, email: `${name.toLowerCase()}-${run}@example.com`, password: 'browser-password' };
    const created = await call(shop.url, 'POST', '/api/auth/register', { body: account });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return account;
  };

  it('when an admin opens each page linked from /admin, then each shows its heading and passes axe', async () => {
    const tab = await visit(browser, shop, 'admin-pages');
    const hands = pointer(tab.page);
    try {
      await signIn(tab, hands, ADMIN, '/admin');
      await heading(tab.page, 'Admin');
      await tab.step('admin');
      for (const each of ADMIN_PAGES) {
        await hands.activate(tab.page.getByRole('main').getByRole('link', { name: each.link, exact: true }).first());
        await tab.page.waitForURL((url) => url.pathname === each.path);
        await heading(tab.page, each.heading);
        await tab.step(each.path.slice(1).replaceAll('/', '-'));
        await tab.page.goBack();
        await heading(tab.page, 'Admin');
      }
      expect(tab.errors).toEqual([]);
    } finally {
      await tab.close();
    }
  }, 90_000);

  it('when an admin creates a product and uploads its image, then the storefront shows it with the image', async () => {
    const name = `Browser Test Loaf ${run}`;
    const tab = await visit(browser, shop, 'admin-product');
    const { page } = tab;
    const hands = pointer(page);
    const main = page.getByRole('main');
    try {
      await signIn(tab, hands, ADMIN, '/admin/products');
      await heading(page, 'Manage products');
      await hands.activate(main.getByRole('link', { name: 'New product' }));
      await heading(page, 'New product');
      await hands.type(main.getByLabel('Name', { exact: true }), name);
      await hands.type(main.getByLabel('Description', { exact: true }), 'A crusty loaf baked by the browser tests.');
      await hands.type(main.getByLabel('Price', { exact: true }), '3.75');
      await main.getByLabel('Category', { exact: true }).selectOption({ label: 'Bakery' });
      await hands.type(main.getByLabel('Stock', { exact: true }), '12');
      await tab.step('new-product');
      await hands.activate(main.getByRole('button', { name: 'Save', exact: true }));

      // Saved: its edit page, where the image is uploaded.
      await heading(page, `Edit ${name}`);
      const id = Number(new URL(page.url()).pathname.split('/').pop());
      const created = await call(shop.url, 'GET', `/api/products/${id}`);
      expect(created.body).toMatchObject({ name, price_cents: 375, stock: 12, image_url: null });
      await tab.step('edit-product');
      const png = placeholderPng({ seed: name, hue: 36, size: 400 });
      await main
        .getByLabel('Image', { exact: true })
        .setInputFiles({ name: 'loaf.png', mimeType: 'image/png', buffer: png });
      await expect.poll(() => main.locator('img[src^="blob:"], img[src^="data:"]').count()).toBeGreaterThan(0);
      await tab.step('image-preview');
      await hands.activate(main.getByRole('button', { name: 'Upload image' }));
      const imageUrl = await eventually(async () => {
        const product = await call(shop.url, 'GET', `/api/products/${id}`);
        return (product.body.image_url as string | null) ?? undefined;
      });
      await main.locator(`img[src="${imageUrl}"]`).waitFor();
      await tab.step('image-uploaded');

      // The storefront finds it, with the image loaded.
      await page.goto('/');
      await heading(page, 'Products');
      await hands.type(main.getByRole('searchbox', { name: 'Search', exact: true }), name);
      await hands.activate(main.getByRole('button', { name: 'Search', exact: true }));
      const card = main.getByRole('article', { name, exact: true });
      await card.waitFor();
      await expect(card.locator('img').getAttribute('src')).resolves.toBe(imageUrl);
      await expect
        .poll(() =>
          card
            .locator('img')
            .evaluate((image: { complete: boolean; naturalWidth: number }) => image.complete && image.naturalWidth),
        )
        .toBe(400);
      await tab.step('storefront-search');
      await hands.activate(card.getByRole('link', { name, exact: true }));
      await heading(page, name);
      await tab.step('storefront-product');
      expect(tab.errors).toEqual([]);
    } finally {
      await tab.close();
    }
  }, 90_000);

  it('when the mail server refused a welcome e-mail, then the admin sees it failed and "Retry" sends it', async () => {
    smtp.state.refusing = true;
    const grace = await register('Grace');
    type Email = { id: number; to: string; subject: string; status: string };
    const failed = await eventually(async () => {
      const list = await call(shop.url, 'GET', '/api/admin/emails?status=failed&limit=100', { token: adminToken });
      return (list.body.items as Email[]).find((email) => email.to === grace.email);
    });
    smtp.state.refusing = false;

    const tab = await visit(browser, shop, 'admin-email-retry');
    const { page } = tab;
    const hands = pointer(page);
    const main = page.getByRole('main');
    try {
      await signIn(tab, hands, ADMIN, '/admin');
      await heading(page, 'Admin');
      await hands.activate(main.getByRole('link', { name: 'E-mails', exact: true }).first());
      await heading(page, 'E-mails');
      const status = main.getByLabel('Status', { exact: true });
      const failedValue = await status.locator('option', { hasText: /failed/i }).getAttribute('value');
      await status.selectOption(failedValue ?? 'failed');
      const link = main.locator(`a[href="/admin/emails/${failed.id}"]`);
      await link.waitFor();
      await expect(link.textContent()).resolves.toBe(failed.subject);
      await tab.step('failed-emails');
      await hands.activate(link);
      await heading(page, failed.subject);
      await main
        .getByText(/failed/i)
        .first()
        .waitFor();
      await tab.step('failed-email');
      await hands.activate(main.getByRole('button', { name: 'Retry', exact: true }));

      // Back in the queue with its attempts reset, and this time the server takes it.
      await expect.poll(() => main.getByRole('button', { name: 'Retry', exact: true }).count()).toBe(0);
      const sent = await eventually(async () => {
        const email = await call(shop.url, 'GET', `/api/admin/emails/${failed.id}`, { token: adminToken });
        return email.body.status === 'sent' ? email.body : undefined;
      });
      expect(sent.attempts, 'the retry starts the count again').toBe(1);
      expect(smtp.state.accepted).toContain(grace.email);
      await page.reload();
      await heading(page, failed.subject);
      await main
        .getByText(/\bsent\b/i)
        .first()
        .waitFor();
      await tab.step('sent-email');
      expect(tab.errors).toEqual([]);
    } finally {
      await tab.close();
    }
  }, 90_000);

  it('when a customer opens admin URLs, then no admin data reaches the page and the API refuses them', async () => {
    const mallory = await register('Mallory');
    const tab = await visit(browser, shop, 'customer-in-admin');
    const { page } = tab;
    const main = page.getByRole('main');
    // Every admin API answer the page received: none may have succeeded.
    const adminAnswers: Array<{ url: string; status: number }> = [];
    page.on('response', (response: Response) => {
      if (/\/api\/(admin\/|account\/users)/.test(new URL(response.url()).pathname)) {
        adminAnswers.push({ url: response.url(), status: response.status() });
      }
    });
    const adminHeadings = ['Admin', 'New product', ...ADMIN_PAGES.map((each) => each.heading)];
    try {
      await signIn(tab, pointer(page), mallory, '/');
      for (const path of [
        '/admin',
        ...ADMIN_PAGES.map((each) => each.path),
        '/admin/products/new',
        '/admin/emails/1',
      ]) {
        await page.goto(path);
        const h1 = page.getByRole('heading', { level: 1 });
        await h1.waitFor();
        expect(adminHeadings, `${path} shows an admin page`).not.toContain(((await h1.textContent()) ?? '').trim());
        await tab.step(`${path.slice(1).replaceAll('/', '-')}`);
        const text = (await main.textContent()) ?? '';
        expect(text, `${path} shows an admin's e-mail address`).not.toContain(ADMIN.email);
        expect(text, `${path} shows e-mails`).not.toContain('Welcome to the shop');
        expect(await main.locator('table').count(), `${path} shows a table`).toBe(0);
      }
      expect(adminAnswers.filter((answer) => answer.status < 400)).toEqual([]);

      const token = await apiToken(shop, mallory);
      for (const path of ['/api/account/users', '/api/admin/orders', '/api/admin/emails', '/api/admin/emails/1']) {
        expect((await call(shop.url, 'GET', path, { token })).status, path).toBe(403);
      }
      const create = await call(shop.url, 'POST', '/api/products', {
        token,
        body: { name: 'Not yours', description: 'x', price_cents: 100, stock: 1 },
      });
      expect(create.status).toBe(403);
      expect(tab.errors).toEqual([]);
    } finally {
      await tab.close();
    }
  }, 90_000);
});
