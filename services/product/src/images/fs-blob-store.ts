import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobStore } from '../domain/ports.ts';

const KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const MAX_KEY_LENGTH = 200; // leaves room for the suffixes under the usual 255-byte file name limit
const CONTENT_TYPE_PATTERN = /^[\x21-\x7e][\x20-\x7e]*$/;
const MAX_CONTENT_TYPE_LENGTH = 255;
const NEWLINE = 0x0a;

/**
 * Blobs as files under one directory. Each blob is one file, `<key>.blob`, holding the
 * content type on its first line and the bytes after it, so a blob and its type are
 * replaced together by one rename and a reader never sees one without the other.
 */
export class FsBlobStore implements BlobStore {
  constructor(private readonly rootDir: string) {}

  async put(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    const file = this.fileFor(key);
    checkContentType(contentType);
    await mkdir(this.rootDir, { recursive: true });
    // The temporary name ends in `.tmp`, so it can never be another key's `.blob` file.
    const temporary = `${file}.${randomUUID()}.tmp`;
    try {
      const handle = await open(temporary, 'wx');
      try {
        await handle.writeFile(Buffer.from(`${contentType}\n`, 'latin1'));
        await handle.writeFile(bytes);
        await handle.datasync();
      } finally {
        await handle.close();
      }
      await rename(temporary, file);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  async get(key: string): Promise<{ bytes: Buffer; contentType: string } | null> {
    const file = this.fileFor(key);
    let stored: Buffer;
    try {
      stored = await readFile(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    const end = stored.indexOf(NEWLINE);
    if (end < 1 || end > MAX_CONTENT_TYPE_LENGTH) throw new Error(`blob file ${file} has no content type line`);
    return { contentType: stored.subarray(0, end).toString('latin1'), bytes: stored.subarray(end + 1) };
  }

  async delete(key: string): Promise<void> {
    await rm(this.fileFor(key), { force: true });
  }

  private fileFor(key: string): string {
    if (key.length > MAX_KEY_LENGTH || !KEY_PATTERN.test(key) || key.includes('..')) {
      throw new Error(`invalid blob key ${JSON.stringify(key)}: use letters, digits, '.', '_' and '-' only`);
    }
    return join(this.rootDir, `${key}.blob`);
  }
}

function checkContentType(contentType: string): void {
  if (contentType.length > MAX_CONTENT_TYPE_LENGTH || !CONTENT_TYPE_PATTERN.test(contentType)) {
    throw new Error(`invalid content type ${JSON.stringify(contentType)}`);
  }
}
