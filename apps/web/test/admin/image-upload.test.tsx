// @vitest-environment happy-dom
import { cleanup, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { problem, startFakeApi } from '../fake-api';
import { product } from '../fixtures';
import { renderAdmin } from './render-admin';

const NOW = '2025-01-01T10:00:00.000Z';
const PRODUCT = product(7, 'Sea salt', {
  description: 'Flaky.',
  category_id: 3,
  stock: 12,
  created_at: NOW,
  updated_at: NOW,
});
/** Not a real picture: the page never decodes it, it only shows and sends it. */
const BYTES = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2, 250, 251, 252]);

let api: Awaited<ReturnType<typeof startFakeApi>>;

beforeEach(async () => {
  api = await startFakeApi({
    'GET /api/categories': () => ({ body: { items: [{ id: 3, name: 'Pantry', slug: 'pantry' }], next_cursor: null } }),
    'GET /api/products/:id': () => ({ body: PRODUCT }),
    'PUT /api/products/:id/image': (request) =>
      request.headers['content-type'] === 'image/png'
        ? { body: { ...PRODUCT, image_url: '/api/products/7/image?v=0123456789abcdef' } }
        : problem(415, 'Send the image bytes as image/png, image/jpeg, image/webp.'),
  });
});

afterEach(async () => {
  cleanup();
  await api.close();
});

describe('admin product image', () => {
  it('when an image is chosen and uploaded, then it is previewed first and its bytes go out as they are, with its type', async () => {
    const user = userEvent.setup();
    renderAdmin('/admin/products/7', api.url);
    const input = await screen.findByLabelText('Image');
    const upload = screen.getByRole('button', { name: 'Upload image' }) as HTMLButtonElement;
    expect(upload.disabled).toBe(true);

    await user.upload(input, new File([BYTES], 'salt.png', { type: 'image/png' }));

    const preview = await screen.findByRole('img', { name: 'Preview of salt.png' });
    expect(preview.getAttribute('src')).toMatch(/^blob:/);
    expect(api.sent('PUT /api/products/7/image')).toHaveLength(0);

    await user.click(upload);

    await screen.findByText('Image uploaded.');
    const [sent] = api.sent('PUT /api/products/7/image');
    expect(sent?.headers['content-type']).toBe('image/png');
    expect([...(sent?.raw ?? [])]).toEqual([...BYTES]);
    expect(screen.getByRole('img', { name: 'Sea salt' }).getAttribute('src')).toBe(
      '/api/products/7/image?v=0123456789abcdef',
    );
    expect(screen.queryByRole('img', { name: 'Preview of salt.png' })).toBeNull();
  });

  it('when the chosen file is not a PNG, JPEG or WebP image, then it says so and nothing can be uploaded', async () => {
    const user = userEvent.setup({ applyAccept: false });
    renderAdmin('/admin/products/7', api.url);
    const input = await screen.findByLabelText('Image');

    await user.upload(input, new File(['<svg/>'], 'logo.svg', { type: 'image/svg+xml' }));

    expect((await screen.findByRole('alert')).textContent).toContain('logo.svg is not a PNG, JPEG or WebP image.');
    expect((screen.getByRole('button', { name: 'Upload image' }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.queryByRole('img', { name: /Preview/ })).toBeNull();
  });
});
