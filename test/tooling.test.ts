/**
 * The developer tooling that `npm install` sets up: the pre-commit hook (Biome on the staged
 * files, then the typecheck) and the install-script policy. The hook is tried for real in a
 * scratch repository: installed by the same script `npm install` runs, then made to refuse
 * and to let through commits.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const installer = join(root, 'scripts/install-git-hooks.mjs');
const preCommit: string = pkg['simple-git-hooks']['pre-commit'];

const scratchDirs: string[] = [];
afterAll(() => {
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
});

function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'shop-tooling-'));
  scratchDirs.push(dir);
  return dir;
}

function run(cwd: string, command: string, args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const commit = (cwd: string, env: Record<string, string> = {}) =>
  run(cwd, 'git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', 'commit', '-m', 'change'], env);

/**
 * A git repository with this project's Biome configuration and pre-commit hook, whose
 * `typecheck` script is a stand-in that fails when TYPECHECK_EXIT says so: the real
 * typecheck of the whole tree would take as long as the rest of this file.
 */
function scratchRepository(): string {
  const dir = scratchDir();
  run(dir, 'git', ['init', '-q']);
  writeFileSync(join(dir, 'biome.json'), readFileSync(join(root, 'biome.json')));
  writeFileSync(join(dir, '.gitignore'), 'node_modules\n');
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  const typecheck = 'node -e "process.exit(Number(process.env.TYPECHECK_EXIT || 0))"';
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ private: true, scripts: { typecheck }, 'simple-git-hooks': pkg['simple-git-hooks'] }),
  );
  const installed = run(dir, process.execPath, [installer]);
  expect(installed.status, installed.output).toBe(0);
  return dir;
}

describe('pre-commit hook', () => {
  it('when configured, then it checks the staged files with Biome and then typechecks', () => {
    expect(preCommit).toMatch(/\bbiome check --staged\b/);
    expect(preCommit).toContain('--no-errors-on-unmatched');
    expect(preCommit).toMatch(/&& npm run typecheck$/);
    expect(pkg.scripts.typecheck).toBeDefined();
    expect(pkg.scripts.prepare).toContain('scripts/install-git-hooks.mjs');
  });

  it('when a badly formatted file is staged, then the commit is refused, unless SKIP_SIMPLE_GIT_HOOKS=1', () => {
    const repo = scratchRepository();
    expect(readFileSync(join(repo, '.git/hooks/pre-commit'), 'utf8')).toContain(preCommit);
    writeFileSync(join(repo, 'messy.ts'), 'const  total = {a:1}\nexport default total\n');
    run(repo, 'git', ['add', 'messy.ts']);

    const refused = commit(repo);
    expect(refused.status).not.toBe(0);
    expect(refused.output).toContain('messy.ts');

    const skipped = commit(repo, { SKIP_SIMPLE_GIT_HOOKS: '1' });
    expect(skipped.status, skipped.output).toBe(0);
  });

  it('when the staged files are clean, then the typecheck decides', () => {
    const repo = scratchRepository();
    writeFileSync(join(repo, 'tidy.ts'), 'export const total = { a: 1 };\n');
    writeFileSync(join(repo, 'notes.txt'), 'a file Biome does not handle\n');
    run(repo, 'git', ['add', 'tidy.ts', 'notes.txt']);

    const typeError = commit(repo, { TYPECHECK_EXIT: '1' });
    expect(typeError.status).not.toBe(0);
    expect(typeError.output).toContain('typecheck');

    const accepted = commit(repo);
    expect(accepted.status, accepted.output).toBe(0);
  });
});

describe('git hook installation (npm prepare)', () => {
  it('when there is no .git (a tarball, a container build), then it installs nothing and succeeds', () => {
    const dir = scratchDir();
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ 'simple-git-hooks': pkg['simple-git-hooks'] }));
    const result = run(dir, process.execPath, [installer]);
    expect(result.status, result.output).toBe(0);
    expect(result.output).toContain('no .git');
  });

  it('when simple-git-hooks is not installed (npm ci --omit=dev), then it installs nothing and succeeds', () => {
    const dir = scratchDir();
    mkdirSync(join(dir, '.git/hooks'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ 'simple-git-hooks': pkg['simple-git-hooks'] }));
    const result = run(dir, process.execPath, [installer]);
    expect(result.status, result.output).toBe(0);
    expect(result.output).toContain('not installed');
    expect(existsSync(join(dir, '.git/hooks/pre-commit'))).toBe(false);
  });
});

describe('install-script policy', () => {
  it('when a locked dependency has install scripts, then allowScripts decides about it and .npmrc makes the rest fail', () => {
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
    const withScripts = Object.entries(lock.packages as Record<string, { hasInstallScript?: boolean }>)
      .filter(([path, entry]) => path.includes('node_modules/') && entry.hasInstallScript)
      .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
    expect(withScripts.length).toBeGreaterThan(0);
    for (const name of withScripts) expect(Object.keys(pkg.allowScripts), name).toContain(name);
    expect(readFileSync(join(root, '.npmrc'), 'utf8')).toMatch(/^strict-allow-scripts=true$/m);
  });
});
