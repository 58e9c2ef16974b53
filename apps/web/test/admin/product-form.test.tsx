// @vitest-environment happy-dom
import { cleanup, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Product } from '../../src/api/types';
import { problem, startFakeApi } from '../fake-api';
import { product } from '../fixtures';
import { renderAdmin } from './render-admin';

const NOW = '2025-01-01T10:00:00.000Z';
const CATEGORIES = [
  { id: 3, name: 'Pantry', slug: 'pantry' },
  { id: 4, name: 'Drinks', slug: 'drinks' },
];

/** The product the fake API holds, with `fields` changed. */
function sample(fields: Partial<Product> = {}) {
  return product(7, 'Sea salt', {
    description: 'Flaky.',
    category_id: 3,
    stock: 12,
    created_at: NOW,
    updated_at: NOW,
    ...fields,
  });
}

let api: Awaited<ReturnType<typeof startFakeApi>>;
let stored: Product;

beforeEach(async () => {
  stored = sample();
  api = await startFakeApi({
    'GET /api/categories': () => ({ body: { items: CATEGORIES, next_cursor: null } }),
    'GET /api/products': () => ({ body: { items: [stored], next_cursor: null } }),
    'GET /api/products/:id': (_request, { id }) =>
      Number(id) === stored.id ? { body: stored } : problem(404, `No product with id ${id}.`),
    'POST /api/products': (request) => {
      stored = sample({ ...(request.body as object), id: 42 });
      return { status: 201, body: stored };
    },
    'PATCH /api/products/:id': (request) => {
      stored = { ...stored, ...(request.body as object) };
      return { body: stored };
    },
  });
});

afterEach(async () => {
  cleanup();
  await api.close();
});

/** The field's error message, found through the field's own aria-describedby. */
function messageOf(field: HTMLElement): string {
  const ids = field.getAttribute('aria-describedby')?.split(' ') ?? [];
  return ids.map((id) => document.getElementById(id)?.textContent ?? '').join(' ');
}

describe('admin product form', () => {
  it('when it is saved with no name, price or category, then each field says what is missing and nothing is sent', async () => {
    const user = userEvent.setup();
    renderAdmin('/admin/products/new', api.url);
    await screen.findByRole('heading', { level: 1, name: 'New product' });
    const name = await screen.findByLabelText('Name');

    await user.click(screen.getByRole('button', { name: 'Save' }));

    expect(name.getAttribute('aria-invalid')).toBe('true');
    expect(messageOf(name)).toContain('Enter a name.');
    expect(messageOf(screen.getByLabelText('Price'))).toContain('Enter a price.');
    expect(messageOf(screen.getByLabelText('Category'))).toContain('Choose a category.');
    expect(document.activeElement).toBe(name);
    expect(api.sent('POST /api/products')).toHaveLength(0);
  });

  it('when the price is not an amount in the currency, then the price field says how to write it', async () => {
    const user = userEvent.setup();
    renderAdmin('/admin/products/new', api.url);
    const price = await screen.findByLabelText('Price');
    await user.type(screen.getByLabelText('Name'), 'Tea');
    await user.selectOptions(screen.getByLabelText('Category'), 'Drinks');

    await user.type(price, '2.505');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(messageOf(price)).toContain('Use at most 2 decimals.');

    await user.clear(price);
    await user.type(price, 'two euros');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(messageOf(price)).toContain('Enter the price in EUR as a number, e.g. 12.50.');
    expect(api.sent('POST /api/products')).toHaveLength(0);
  });

  it('when a new product is saved, then the API gets the price in cents and the product opens for editing', async () => {
    const user = userEvent.setup();
    renderAdmin('/admin/products/new', api.url);
    await user.type(await screen.findByLabelText('Name'), '  Olive oil ');
    await user.type(screen.getByLabelText('Description'), 'Cold pressed.');
    await user.type(screen.getByLabelText('Price'), '12,5');
    await user.selectOptions(screen.getByLabelText('Category'), 'Pantry');
    await user.clear(screen.getByLabelText('Stock'));
    await user.type(screen.getByLabelText('Stock'), '7');

    await user.click(screen.getByRole('button', { name: 'Save' }));

    await screen.findByRole('heading', { level: 1, name: 'Edit Olive oil' });
    expect(api.sent('POST /api/products').map((call) => call.body)).toEqual([
      { name: 'Olive oil', description: 'Cold pressed.', price_cents: 1250, category_id: 3, stock: 7 },
    ]);
    expect((screen.getByLabelText('Price') as HTMLInputElement).value).toBe('12.50');
  });

  it('when the server refuses fields, then each of its messages shows next to its field', async () => {
    const user = userEvent.setup();
    const refusing = await startFakeApi({
      'GET /api/categories': () => ({ body: { items: CATEGORIES, next_cursor: null } }),
      'GET /api/products': () => ({ body: { items: [], next_cursor: null } }),
      'POST /api/products': () =>
        problem(422, 'No category with id 4.', {
          errors: [
            { field: 'category_id', message: 'is not a category' },
            { field: 'name', message: 'must not be blank' },
          ],
        }),
    });
    try {
      renderAdmin('/admin/products/new', refusing.url);
      await user.type(await screen.findByLabelText('Name'), 'Lemonade');
      await user.type(screen.getByLabelText('Price'), '3');
      await user.selectOptions(screen.getByLabelText('Category'), 'Drinks');

      await user.click(screen.getByRole('button', { name: 'Save' }));

      const alert = await screen.findByRole('alert');
      expect(alert.textContent).toContain('No category with id 4.');
      const category = screen.getByLabelText('Category');
      expect(category.getAttribute('aria-invalid')).toBe('true');
      expect(messageOf(category)).toContain('Category is not a category.');
      expect(messageOf(screen.getByLabelText('Name'))).toContain('Name must not be blank.');
      expect(screen.getByLabelText('Price').getAttribute('aria-invalid')).toBeNull();
      expect(refusing.sent('POST /api/products')[0]?.body).toMatchObject({ price_cents: 300, category_id: 4 });
    } finally {
      await refusing.close();
    }
  });

  it('when an existing product is saved, then its changes go out in cents and the page takes the new name', async () => {
    const user = userEvent.setup();
    renderAdmin('/admin/products/7', api.url);
    await screen.findByRole('heading', { level: 1, name: 'Edit Sea salt' });
    const price = screen.getByLabelText('Price') as HTMLInputElement;
    expect(price.value).toBe('2.50');
    expect(screen.queryByLabelText('Stock')).toBeNull();

    await user.clear(screen.getByLabelText('Name'));
    await user.type(screen.getByLabelText('Name'), 'Sea salt, coarse');
    await user.clear(price);
    await user.type(price, '3');
    await user.selectOptions(screen.getByLabelText('Category'), 'Drinks');
    await user.click(screen.getByRole('button', { name: 'Save' }));

    await screen.findByRole('heading', { level: 1, name: 'Edit Sea salt, coarse' });
    await screen.findByText('Saved.');
    expect(api.sent('PATCH /api/products/7').map((call) => call.body)).toEqual([
      { name: 'Sea salt, coarse', description: 'Flaky.', price_cents: 300, category_id: 4 },
    ]);
  });
});
