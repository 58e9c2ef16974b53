/**
 * A customer's visit in real Chromium, through the pages only: sign up, search, two
 * products into the cart, checkout with "Place order" pressed twice, the one order and
 * the stock it took (read back through the API), then the order cancelled and the stock
 * back. The same journey three ways: by mouse on a desktop, by keyboard alone (Tab, Enter,
 * Escape; no pointer), and by touch on a 390×844 phone. Every page on the way, dialogs
 * open included, passes axe.
 */
import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../http.ts';
import {
  apiToken,
  type BrowserShop,
  chromiumAvailable,
  type Hands,
  heading,
  keyboard,
  launchBrowser,
  PHONE,
  pointer,
  startShop,
  visit,
} from './harness.ts';

const ready = chromiumAvailable('Browser journeys of a customer');

interface Journey {
  how: string;
  folder: string;
  context: BrowserContextOptions;
  hands: (page: Page) => Hands;
}

const JOURNEYS: Journey[] = [
  { how: 'by mouse on a desktop', folder: 'customer-mouse', context: {}, hands: pointer },
  { how: 'by keyboard alone', folder: 'customer-keyboard', context: {}, hands: keyboard },
  { how: 'by touch on a 390×844 phone', folder: 'customer-phone', context: PHONE, hands: pointer },
];

const SEARCH = 'smoked';

describe.skipIf(!ready)('a customer in Chromium', () => {
  let shop: BrowserShop;
  let browser: Browser;

  beforeAll(async () => {
    [shop, browser] = await Promise.all([startShop(), launchBrowser()]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await shop?.stop();
  }, 60_000);

  const stockOf = async (id: number) => (await call(shop.url, 'GET', `/api/products/${id}`)).body.stock as number;

  it.each(JOURNEYS)(
    'when a customer signs up, searches, buys two products pressing "Place order" twice and cancels, $how, then exactly one order takes the stock and cancelling gives it back',
    async (journey) => {
      const customer = {
        name: 'Ada Lovelace',
        email: `ada-${journey.folder}-${randomBytes(3).toString('hex')}@example.com`,
        password: 'browser-password',
      };
      const tab = await visit(browser, shop, journey.folder, journey.context);
      const { page } = tab;
      const hands = journey.hands(page);
      const main = page.getByRole('main');
      try {
        // Sign up, and land on the catalog.
        await page.goto('/signup?next=%2F');
        await heading(page, 'Create an account');
        await tab.step('sign-up');
        await hands.type(page.getByLabel('Name', { exact: true }), customer.name);
        await hands.type(page.getByLabel('E-mail', { exact: true }), customer.email);
        await hands.type(page.getByLabel('Password', { exact: true }), customer.password);
        await hands.activate(page.getByRole('button', { name: 'Create account', exact: true }));
        await page.waitForURL((url) => url.pathname === '/', { timeout: 15_000 });
        await heading(page, 'Products');
        await expect.poll(() => main.getByRole('article').count()).toBeGreaterThan(0);
        await tab.step('catalog');

        // Search: the cards become the API's first page for the same words, in its order.
        const found = await call(shop.url, 'GET', `/api/products?q=${SEARCH}`);
        const results = found.body.items as Array<{ id: number; name: string; stock: number }>;
        await hands.type(page.getByRole('searchbox', { name: 'Search', exact: true }), SEARCH);
        await hands.activate(page.getByRole('button', { name: 'Search', exact: true }));
        await page.waitForURL((url) => url.searchParams.get('q') === SEARCH);
        await expect
          .poll(() => main.getByRole('article').getByRole('heading', { level: 2 }).allInnerTexts())
          .toEqual(results.map((product) => product.name));
        await tab.step('search-results');

        // Two products into the cart; the drawer opens after each.
        const bought = results.filter((product) => product.stock > 0).slice(0, 2);
        expect(bought).toHaveLength(2);
        const stockBefore = await Promise.all(bought.map((product) => stockOf(product.id)));
        const drawer = page.getByRole('dialog', { name: 'Your cart' });
        for (const product of bought) {
          const card = main.getByRole('article', { name: product.name, exact: true });
          await hands.activate(card.getByRole('button', { name: 'Add to cart' }));
          await drawer.getByText(product.name).first().waitFor();
          await tab.step(`cart-drawer-${bought.indexOf(product) + 1}`);
          await hands.dismiss();
          await drawer.waitFor({ state: 'hidden' });
        }

        // The header's cart, then checkout, "Place order" pressed twice.
        await hands.activate(page.getByRole('banner').getByRole('button', { name: /^Cart\b/ }));
        for (const product of bought) await drawer.getByText(product.name).first().waitFor();
        await tab.step('cart-drawer-opened');
        await hands.activate(drawer.getByRole('link', { name: 'Go to checkout' }));
        await page.waitForURL((url) => url.pathname === '/checkout');
        await heading(page, 'Checkout');
        for (const product of bought) await main.getByText(product.name).first().waitFor();
        await tab.step('checkout');
        await hands.activateTwice(main.getByRole('button', { name: 'Place order' }));
        await page.waitForURL((url) => /^\/orders\/\d+$/.test(url.pathname), { timeout: 15_000 });
        const orderId = Number(new URL(page.url()).pathname.split('/').pop());
        await heading(page, `Order #${orderId}`);
        await page.getByText('Thank you! Your order is confirmed.').waitFor();
        await tab.step('order-confirmed');

        // One order, as the API says too, and the stock it took.
        const token = await apiToken(shop, customer);
        const orders = await call(shop.url, 'GET', '/api/orders', { token });
        expect(orders.body.items.map((order: { id: number; status: string }) => [order.id, order.status])).toEqual([
          [orderId, 'confirmed'],
        ]);
        expect(await Promise.all(bought.map((product) => stockOf(product.id)))).toEqual(
          stockBefore.map((stock) => stock - 1),
        );

        // My orders lists it once; cancelling it asks first, then gives the stock back.
        await hands.activate(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My orders' }));
        await heading(page, 'My orders');
        const listed = main.locator(`a[href="/orders/${orderId}"]`);
        await listed.first().waitFor();
        expect(await main.locator('a[href^="/orders/"]').count()).toBe(1);
        await tab.step('my-orders');
        await hands.activate(listed);
        await heading(page, `Order #${orderId}`);
        await hands.activate(main.getByRole('button', { name: 'Cancel order' }));
        const confirm = page.getByRole('dialog').filter({ has: page.getByRole('button', { name: 'Yes, cancel it' }) });
        await confirm.getByRole('button', { name: 'Keep the order' }).waitFor();
        await tab.step('cancel-dialog');
        await hands.activate(confirm.getByRole('button', { name: 'Yes, cancel it' }));
        await confirm.waitFor({ state: 'hidden' });
        await main
          .getByText(/cancelled/i)
          .first()
          .waitFor();
        await expect.poll(() => main.getByRole('button', { name: 'Cancel order' }).count()).toBe(0);
        await tab.step('order-cancelled');
        const order = await call(shop.url, 'GET', `/api/orders/${orderId}`, { token });
        expect(order.body.status).toBe('cancelled');
        expect(await Promise.all(bought.map((product) => stockOf(product.id)))).toEqual(stockBefore);
        expect(tab.errors).toEqual([]);
      } finally {
        await tab.close();
      }
    },
    90_000,
  );
});
