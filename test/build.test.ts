/**
 * The production build (`npm run build`; test/global-setup.ts made it current): every
 * source has its JavaScript, every package export has a built target, and the built
 * packages load in plain Node without any TypeScript loader.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BUILT } from '../e2e/stack.ts';
import { buildInputs, isCurrent, outputOf, serverPackages } from '../scripts/server-build.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

type Exports = Record<string, { production: string; default: string }>;

function exportsOf(packageDir: string): Exports | undefined {
  return JSON.parse(readFileSync(join(ROOT, packageDir, 'package.json'), 'utf8')).exports;
}

describe('the production build', () => {
  it.each(serverPackages())('%s/dist is current and holds every source, migrations included', (packageDir) => {
    expect(isCurrent(packageDir)).toBe(true);
    const missing = buildInputs(packageDir).filter(
      (file) => !existsSync(join(ROOT, packageDir, 'dist', outputOf(file))),
    );
    expect(missing).toEqual([]);
  });

  it.each(serverPackages().filter((dir) => exportsOf(dir)))(
    '%s exports its build under the production condition and its sources otherwise',
    (packageDir) => {
      for (const [subpath, target] of Object.entries(exportsOf(packageDir) as Exports)) {
        expect(Object.keys(target), subpath).toEqual(['production', 'default']);
        expect(target.production, subpath).toBe(target.default.replace('./src/', './dist/').replace(/\.ts$/, '.js'));
        expect(existsSync(join(ROOT, packageDir, target.production)), target.production).toBe(true);
      }
    },
  );

  it('loads every service and the launcher in plain Node, no TypeScript reachable', async () => {
    const entries = ['account', 'product', 'cart', 'order', 'notification', 'analytics', 'gateway'].map(
      (s) => `@shop/${s}/main`,
    );
    const script = `for (const entry of ${JSON.stringify(entries)}) await import(entry);
      await import('./apps/stack/dist/web-build.js');
      console.log('loaded');`;
    const { stdout } = await run(process.execPath, [...BUILT, '--input-type=module', '-e', script], { cwd: ROOT });
    expect(stdout.trim()).toBe('loaded');
  });

  it('fails to load a package that would need its TypeScript sources without the production condition', async () => {
    // The check above would be empty if Node could run `.ts` anyway: without the condition it must not.
    const strip = BUILT.filter((flag) => flag !== '--conditions=production');
    const attempt = run(process.execPath, [...strip, '--input-type=module', '-e', "await import('@shop/platform')"], {
      cwd: ROOT,
    });
    await expect(attempt).rejects.toThrow(/\.ts|Unknown file extension|ERR_/);
  });
});
