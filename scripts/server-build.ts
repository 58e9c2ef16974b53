/**
 * The production build of the server side: every package's `src/` becomes plain
 * ES-module JavaScript in a sibling `dist/` with the same layout (so a path a module
 * resolves from its own URL, such as its migrations folder, holds in both), with SQL
 * migrations and other data files copied beside it.
 *
 * Each file is transpiled on its own (esbuild, the transform tsx applies in development),
 * relative `.ts` imports become `.js`, and nothing is bundled: package imports stay
 * imports, resolved at run time through each package's `production` export condition
 * (`node --conditions=production ...`). Types are checked by `npm run typecheck`.
 *
 * A package's new `dist/` is written beside the old one and swapped in whole, so a
 * process starting from the build while another run rebuilds it never sees half of one.
 */
import { cpSync, existsSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Folders whose every subfolder with a `src/` is a server package. */
const PACKAGE_PARENTS = ['packages', 'services'];
/** The launcher; the web app is built by Vite. */
const SINGLE_PACKAGES = ['apps/stack'];
/** Development-only sources: tests and the migration generator's configuration. */
const SKIPPED = [/\.test\.ts$/, /(^|\/)drizzle\.config\.ts$/];
/** Written last into a finished `dist/`: its time is the build's. */
const STAMP = '.built';

/** Relative imports keep pointing at the sibling module, now `.js`; every import stays external. */
const keepImportsExternal: Plugin = {
  name: 'keep-imports-external',
  setup(builder) {
    builder.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      const isRelative = args.path.startsWith('./') || args.path.startsWith('../');
      return { path: isRelative ? args.path.replace(/\.ts$/, '.js') : args.path, external: true };
    });
  },
};

/** The server packages, as paths relative to the repository root. */
export function serverPackages(): string[] {
  const nested = PACKAGE_PARENTS.flatMap((parent) =>
    readdirSync(join(ROOT, parent), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(ROOT, parent, entry.name, 'src')))
      .map((entry) => `${parent}/${entry.name}`),
  );
  return [...nested, ...SINGLE_PACKAGES];
}

/** The files of a package's `src/` that the build takes, relative to `src/`. */
export function buildInputs(packageDir: string): string[] {
  const src = join(ROOT, packageDir, 'src');
  return readdirSync(src, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(src, join(entry.parentPath, entry.name)))
    .filter((file) => !SKIPPED.some((pattern) => pattern.test(file)))
    .sort();
}

/** The `dist/` path a source file becomes. */
export function outputOf(file: string): string {
  return file.endsWith('.ts') && !file.endsWith('.d.ts') ? file.replace(/\.ts$/, '.js') : file;
}

/** Whether a package's `dist/` is complete and newer than its sources and package.json. */
export function isCurrent(packageDir: string): boolean {
  const stamp = join(ROOT, packageDir, 'dist', STAMP);
  if (!existsSync(stamp)) return false;
  const builtAt = statSync(stamp).mtimeMs;
  const src = join(ROOT, packageDir, 'src');
  const inputs = [join(ROOT, packageDir, 'package.json'), src, ...buildInputs(packageDir).map((f) => join(src, f))];
  return inputs.every((path) => statSync(path).mtimeMs <= builtAt);
}

/** Transpiles one package's `src/` into a fresh `dist/` and copies its data files; resolves the module count. */
export async function buildPackage(packageDir: string): Promise<number> {
  const src = join(ROOT, packageDir, 'src');
  const dist = join(ROOT, packageDir, 'dist');
  const staging = join(ROOT, packageDir, `dist.building-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  const files = buildInputs(packageDir);
  const sources = files.filter((file) => outputOf(file) !== file);
  await build({
    entryPoints: sources.map((file) => join(src, file)),
    outdir: staging,
    outbase: src,
    bundle: true, // only so that the plugin sees each import; it keeps every one external
    plugins: [keepImportsExternal],
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  for (const file of files.filter((file) => outputOf(file) === file)) cpSync(join(src, file), join(staging, file));
  writeFileSync(join(staging, STAMP), `${new Date().toISOString()}\n`);
  const old = join(ROOT, packageDir, `dist.old-${process.pid}`);
  if (existsSync(dist)) renameSync(dist, old);
  renameSync(staging, dist);
  rmSync(old, { recursive: true, force: true });
  return sources.length;
}

/** Builds every server package whose build is missing or stale (all with `force`); resolves what it built. */
export async function buildServer(options: { force?: boolean } = {}): Promise<string[]> {
  const built: string[] = [];
  for (const packageDir of serverPackages()) {
    if (!options.force && isCurrent(packageDir)) continue;
    await buildPackage(packageDir);
    built.push(packageDir);
  }
  return built;
}
