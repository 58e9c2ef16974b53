/**
 * The web app's build for the gateway to serve: made on the first start, and again whenever
 * a source is newer than the build (after a pull, say), so a newcomer never gets an API
 * note at `/`. Several processes starting at once (test runs) build it once: a lock
 * serializes them, and each new build replaces the old one whole.
 */
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import lockfile from 'proper-lockfile';

export const WEB_ROOT = fileURLToPath(new URL('../../web', import.meta.url));
const DIST = join(WEB_ROOT, 'dist');
const SOURCES = ['index.html', 'vite.config.ts', 'precompress.ts', 'package.json', 'src', 'public'];

/** Whether the build exists and is newer than every source file. */
export function webBuildIsCurrent(): boolean {
  const built = join(DIST, 'index.html');
  if (!existsSync(built)) return false;
  const builtAt = statSync(built).mtimeMs;
  return SOURCES.every((source) => newest(join(WEB_ROOT, source)) <= builtAt);
}

/** Builds the web app unless its build is current; resolves true when it built. */
export async function ensureWebBuild(): Promise<boolean> {
  if (webBuildIsCurrent()) return false;
  const release = await lockfile.lock(WEB_ROOT, {
    realpath: false,
    stale: 60_000,
    retries: { retries: 120, minTimeout: 250, maxTimeout: 1_000 },
  });
  try {
    if (webBuildIsCurrent()) return false; // another process built it while this one waited
    const { build } = await import('vite');
    const staging = join(WEB_ROOT, `dist.building-${process.pid}`);
    await build({
      root: WEB_ROOT,
      configFile: join(WEB_ROOT, 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir: staging, emptyOutDir: true },
    });
    const old = join(WEB_ROOT, `dist.old-${process.pid}`);
    if (existsSync(DIST)) renameSync(DIST, old);
    renameSync(staging, DIST);
    rmSync(old, { recursive: true, force: true });
    return true;
  } finally {
    await release();
  }
}

/** The newest modification time of a file, or of any file below a folder (0 when missing). */
function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((latest, entry) => Math.max(latest, newest(join(path, entry))), stat.mtimeMs);
}
