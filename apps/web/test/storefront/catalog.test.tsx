// @vitest-environment happy-dom
import { cleanup, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFilters, toCents, toProductQuery, writeFilters } from '../../src/storefront/catalog/filters';
import { type FakeApi, startFakeApi } from '../fake-api';
import { product } from '../fixtures';
import { renderStorefront } from './render';

const CATEGORIES = [
  { id: 2, name: 'Drinks', slug: 'drinks' },
  { id: 3, name: 'Bakery', slug: 'bakery' },
];

describe('the catalog’s filters in the URL', () => {
  let api: FakeApi;
  beforeEach(async () => {
    api = await startFakeApi({
      'GET /api/categories': () => ({ body: { items: CATEGORIES, next_cursor: null } }),
      'GET /api/products': () => ({
        body: { items: [product(1, 'Green Tea', { category_id: 2 })], next_cursor: null },
      }),
    });
  });
  afterEach(async () => {
    cleanup();
    await api.close();
  });

  const productQueries = () => api.sent('GET /api/products').map((request) => Object.fromEntries(request.query));
  const location = () => screen.getByTestId('location').textContent;

  it('when a shared link is opened, then the API is asked for its filters (prices in cents) and the controls show them', async () => {
    renderStorefront(api, '/?q=tea&category=2&min=2.50&max=10&in_stock=1&sort=-price', { signedIn: false });
    await screen.findByRole('article', { name: 'Green Tea' });

    expect(productQueries()).toEqual([
      {
        limit: '24',
        q: 'tea',
        category: '2',
        min_price_cents: '250',
        max_price_cents: '1000',
        in_stock: 'true',
        sort: '-price',
      },
    ]);
    expect((screen.getByRole('searchbox', { name: 'Search' }) as HTMLInputElement).value).toBe('tea');
    await waitFor(() => expect(selected('Category')).toBe('Drinks'));
    expect((screen.getByRole('spinbutton', { name: 'Minimum price' }) as HTMLInputElement).value).toBe('2.50');
    expect((screen.getByRole('spinbutton', { name: 'Maximum price' }) as HTMLInputElement).value).toBe('10');
    expect((screen.getByRole('checkbox', { name: 'In stock only' }) as HTMLInputElement).checked).toBe(true);
    expect(selected('Sort by')).toBe('Price high to low');
  });

  it('when the filters are changed, then the URL holds each of them and the list is asked for them', async () => {
    renderStorefront(api, '/', { signedIn: false });
    await screen.findByRole('article', { name: 'Green Tea' });
    const user = userEvent.setup();

    await user.selectOptions(await screen.findByRole('combobox', { name: 'Category' }), 'Bakery');
    await waitFor(() => expect(location()).toBe('/?category=3'));
    await user.click(screen.getByRole('checkbox', { name: 'In stock only' }));
    await waitFor(() => expect(location()).toBe('/?category=3&in_stock=1'));
    await user.type(screen.getByRole('spinbutton', { name: 'Maximum price' }), '4.5');
    await waitFor(() => expect(location()).toBe('/?category=3&max=4.5&in_stock=1'));
    await user.selectOptions(screen.getByRole('combobox', { name: 'Sort by' }), 'Price low to high');
    await waitFor(() => expect(location()).toBe('/?category=3&max=4.5&in_stock=1&sort=price'));

    await waitFor(() =>
      expect(productQueries().at(-1)).toEqual({
        limit: '24',
        category: '3',
        max_price_cents: '450',
        in_stock: 'true',
        sort: 'price',
      }),
    );
  });

  it('when a search is typed, then one search goes out after the pause, ranked by relevance', async () => {
    renderStorefront(api, '/', { signedIn: false });
    await screen.findByRole('article', { name: 'Green Tea' });
    await userEvent.setup().type(screen.getByRole('searchbox', { name: 'Search' }), 'green tea');

    await waitFor(() => expect(location()).toBe('/?q=green+tea'));
    expect(selected('Sort by')).toBe('Relevance');
    await waitFor(() => expect(productQueries()).toHaveLength(2));
    expect(productQueries()[1]).toEqual({ limit: '24', q: 'green tea' });
  });

  it('when nothing matches, then the page says so and Clear filters brings every product back', async () => {
    api.routes['GET /api/products'] = (request) => ({
      body: { items: request.query.has('q') ? [] : [product(1, 'Green Tea')], next_cursor: null },
    });
    renderStorefront(api, '/?q=caviar&in_stock=1', { signedIn: false });
    expect(await screen.findByText(/No products match/)).toBeTruthy();

    await userEvent.setup().click(screen.getByRole('button', { name: 'Clear filters' }));
    await screen.findByRole('article', { name: 'Green Tea' });
    expect(location()).toBe('/');
    expect((screen.getByRole('searchbox', { name: 'Search' }) as HTMLInputElement).value).toBe('');
  });

  it('when Load more is pressed, then the next page follows the first, asked with its cursor and the same filters', async () => {
    api.routes['GET /api/products'] = (request) =>
      request.query.get('cursor') === 'page-2'
        ? { body: { items: [product(2, 'Black Tea')], next_cursor: null } }
        : { body: { items: [product(1, 'Green Tea')], next_cursor: 'page-2' } };
    renderStorefront(api, '/?category=2', { signedIn: false });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Load more' }));

    await screen.findByRole('article', { name: 'Black Tea' });
    expect(screen.getAllByRole('article').map((article) => article.getAttribute('aria-labelledby'))).toEqual([
      'product-1-name',
      'product-2-name',
    ]);
    expect(productQueries()[1]).toEqual({ limit: '24', category: '2', cursor: 'page-2' });
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
  });

  it('when the first page shows, then its images keep their size and only the first row loads at once', async () => {
    const items = Array.from({ length: 6 }, (_, index) =>
      product(index + 1, `Tea ${index + 1}`, { image_url: `/api/products/${index + 1}/image` }),
    );
    api.routes['GET /api/products'] = () => ({ body: { items, next_cursor: null } });
    renderStorefront(api, '/', { signedIn: false });
    await screen.findByRole('article', { name: 'Tea 6' });

    const images = screen.getAllByRole('img') as HTMLImageElement[];
    expect(images.map((image) => image.alt)).toEqual(items.map((item) => item.name));
    expect(
      images.every((image) => image.getAttribute('width') === '400' && image.getAttribute('height') === '400'),
    ).toBe(true);
    expect(images.map((image) => image.getAttribute('loading'))).toEqual([
      'eager',
      'eager',
      'eager',
      'eager',
      'lazy',
      'lazy',
    ]);
    expect(images.map((image) => image.getAttribute('fetchpriority'))).toEqual([
      'high',
      'high',
      null,
      null,
      null,
      null,
    ]);
  });

  it('when a signed-out visitor adds to the cart, then they are sent to sign in and back to this very page', async () => {
    renderStorefront(api, '/?q=tea', { signedIn: false });
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Add to cart' }));
    await waitFor(() => expect(location()).toBe(`/signin?next=${encodeURIComponent('/?q=tea')}`));
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Sign in');
  });
});

describe('catalog filters ↔ URL ↔ API query', () => {
  it('when prices are typed in currency units, then cents go to the API without floating-point error', () => {
    expect(toCents('0.29')).toBe(29);
    expect(toCents('2.5')).toBe(250);
    expect(toCents('10')).toBe(1000);
  });

  it('when a URL holds malformed values, then they are dropped instead of sent', () => {
    const filters = readFilters(new URLSearchParams('category=abc&min=-1&max=1e3&sort=cheapest&in_stock=yes'));
    expect(toProductQuery(filters, 24)).toEqual({ limit: 24 });
    expect(writeFilters(filters).toString()).toBe('');
  });

  it('when the sort is the default one, then the URL leaves it out', () => {
    expect(writeFilters(readFilters(new URLSearchParams('sort=newest'))).toString()).toBe('');
    expect(writeFilters(readFilters(new URLSearchParams('q=tea&sort=relevance'))).toString()).toBe('q=tea');
    expect(readFilters(new URLSearchParams('sort=relevance')).sort).toBeNull();
  });
});

function selected(label: string): string | undefined {
  const select = screen.getByRole('combobox', { name: label }) as HTMLSelectElement;
  return select.selectedOptions[0]?.textContent ?? undefined;
}
