import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSharedPglite } from '../src/db/database.ts';

const HOLDER = new URL('./fixtures/hold-data-dir.ts', import.meta.url).pathname;

/** Another process holding `dataDir`, as a running shop does. */
async function holder(dataDir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', HOLDER, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk) => String(chunk).includes('holding') && resolve());
    child.on('exit', (code) => reject(new Error(`the holder exited with ${code}`)));
  });
  return child;
}

describe('the embedded data directory', () => {
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const newDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'shop-datadir-'));
    dirs.push(dir);
    return join(dir, 'pglite');
  };

  it('when another live process holds it, then opening it is refused with a message saying so', async () => {
    const dataDir = newDir();
    children.push(await holder(dataDir));
    await expect(openSharedPglite(dataDir)).rejects.toThrow(/Another process is using the data directory/);
  }, 30_000);

  it('when its holder was killed (SIGKILL: no unlock), then it opens at once, not after the lock goes stale', async () => {
    const dataDir = newDir();
    const child = await holder(dataDir);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const started = Date.now();
    const shared = await openSharedPglite(dataDir);
    try {
      expect(Date.now() - started).toBeLessThan(10_000);
      const { rows } = await shared.client.query<{ ok: number }>('select 1 as ok');
      expect(rows).toEqual([{ ok: 1 }]);
    } finally {
      await shared.close();
    }
  }, 30_000);
});
