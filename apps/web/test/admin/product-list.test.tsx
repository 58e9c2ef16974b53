// @vitest-environment happy-dom
import { cleanup, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeApi, startFakeApi } from '../fake-api';
import { product } from '../fixtures';
import { renderAdmin } from './render-admin';

let api: FakeApi;

beforeEach(async () => {
  api = await startFakeApi({
    'GET /api/categories': () => ({ body: { items: [{ id: 1, name: 'Pantry', slug: 'pantry' }], next_cursor: null } }),
    'GET /api/products': () => ({ body: { items: [product(7, 'Sea salt')], next_cursor: null } }),
  });
});

afterEach(async () => {
  cleanup();
  await api.close();
});

/** The sort each products request asked for. */
const sortsAsked = () => api.sent('GET /api/products').map((request) => request.query.get('sort'));

describe('admin product list', () => {
  it('when the URL names a sort the API does not know, then the list is asked for the default order and the select shows it', async () => {
    renderAdmin('/admin/products?sort=cheapest', api.url);
    await screen.findByRole('link', { name: 'Sea salt' });
    expect(sortsAsked()).toEqual(['newest']);
    expect((screen.getByRole('combobox', { name: 'Sort by' }) as HTMLSelectElement).value).toBe('newest');
  });

  it('when the URL asks for relevance without a search, then newest is used; with a search, relevance is', async () => {
    renderAdmin('/admin/products?sort=relevance', api.url);
    await screen.findByRole('link', { name: 'Sea salt' });
    cleanup();
    renderAdmin('/admin/products?q=salt&sort=relevance', api.url);
    await screen.findByRole('link', { name: 'Sea salt' });
    await waitFor(() => expect(sortsAsked()).toEqual(['newest', 'relevance']));
  });
});
