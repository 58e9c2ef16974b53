import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../src/images/fs-blob-store.ts';

const BYTES = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x0a, 0xff, 0x0a]);

describe('FsBlobStore', () => {
  let tmp: string;
  let root: string;
  let store: FsBlobStore;
  beforeEach(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'shop-blobs-'));
    root = join(tmp, 'data', 'images');
    store = new FsBlobStore(root);
  });
  afterEach(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('when a blob is put into a missing directory, then the directory is created and get returns the same bytes and type', async () => {
    await store.put('product-1', BYTES, 'image/png');

    const blob = await store.get('product-1');
    expect(blob).not.toBeNull();
    expect(Buffer.isBuffer(blob?.bytes)).toBe(true);
    expect([...(blob?.bytes ?? [])]).toEqual([...BYTES]);
    expect(blob?.contentType).toBe('image/png');
  });

  it('when blobs are stored under different keys, then each keeps its own bytes and content type', async () => {
    await store.put('a.png', Buffer.from('first'), 'image/png');
    await store.put('b_2-x.jpg', Buffer.from('second'), 'image/jpeg');

    expect(await store.get('a.png')).toEqual({ bytes: Buffer.from('first'), contentType: 'image/png' });
    expect(await store.get('b_2-x.jpg')).toEqual({ bytes: Buffer.from('second'), contentType: 'image/jpeg' });
  });

  it('when an empty blob is stored, then get returns empty bytes with the type', async () => {
    await store.put('empty', new Uint8Array(0), 'application/octet-stream');

    expect(await store.get('empty')).toEqual({ bytes: Buffer.alloc(0), contentType: 'application/octet-stream' });
  });

  it('when a key is put again, then get returns the new bytes and the new content type', async () => {
    await store.put('product-1', Buffer.from('old bytes, longer than the new ones'), 'image/png');
    await store.put('product-1', Buffer.from('new'), 'image/webp');

    expect(await store.get('product-1')).toEqual({ bytes: Buffer.from('new'), contentType: 'image/webp' });
  });

  it('when a key was never stored, then get returns null, even before the directory exists', async () => {
    expect(await store.get('nothing-here')).toBeNull();
    await store.put('other', BYTES, 'image/png');
    expect(await store.get('nothing-here')).toBeNull();
  });

  it('when a blob is deleted, then get returns null and other blobs stay', async () => {
    await store.put('gone', BYTES, 'image/png');
    await store.put('kept', BYTES, 'image/png');

    await store.delete('gone');

    expect(await store.get('gone')).toBeNull();
    expect(await store.get('kept')).not.toBeNull();
  });

  it('when a missing key is deleted, then it resolves without error', async () => {
    await expect(store.delete('never-stored')).resolves.toBeUndefined();
    await store.put('x', BYTES, 'image/png');
    await expect(store.delete('never-stored')).resolves.toBeUndefined();
  });

  it.each([
    '',
    '.',
    '..',
    '../escape',
    'a/b',
    '/etc/passwd',
    'a\\b',
    'a..b',
    '.hidden',
    'with space',
    'naïve',
    'semi;colon',
    'x'.repeat(201),
  ])('when the key is %j, then put, get and delete throw and nothing is written', async (key) => {
    await expect(store.put(key, BYTES, 'image/png')).rejects.toThrow(/invalid blob key/);
    await expect(store.get(key)).rejects.toThrow(/invalid blob key/);
    await expect(store.delete(key)).rejects.toThrow(/invalid blob key/);
    expect(await readdir(tmp)).toEqual([]);
  });

  it('when the content type has a line break, then put throws and stores nothing', async () => {
    await expect(store.put('k', BYTES, 'image/png\nX-Evil: 1')).rejects.toThrow(/invalid content type/);
    await expect(store.put('k', BYTES, '')).rejects.toThrow(/invalid content type/);
    expect(await store.get('k')).toBeNull();
  });

  it('when many puts have finished, including concurrent ones to one key, then no temporary files are left', async () => {
    await Promise.all([
      ...Array.from({ length: 10 }, (_, index) => store.put('same', Buffer.from(`v${index}`), 'image/png')),
      store.put('other', BYTES, 'image/jpeg'),
    ]);

    const files = await readdir(root);
    expect(files.sort()).toEqual(['other.blob', 'same.blob']);
    const same = await store.get('same');
    expect(same?.bytes.toString()).toMatch(/^v\d$/);
  });
});
