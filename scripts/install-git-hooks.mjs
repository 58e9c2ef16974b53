/**
 * Installs the git hooks configured under "simple-git-hooks" in package.json into this
 * checkout's .git. npm runs it as the root `prepare` script after `npm install` and `npm ci`.
 *
 * It does nothing where there is nothing to install into or nothing to install with: a
 * tarball or a container build has no .git here, and `npm ci --omit=dev` leaves
 * simple-git-hooks out. It looks for .git in this directory only, because simple-git-hooks
 * would walk up and install into a repository this project merely sits inside.
 *
 * Plain JavaScript on purpose: it runs before anything else is known to be installed.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = process.cwd();

if (!existsSync(join(root, '.git'))) {
  console.log('git hooks: no .git here, nothing to install');
  process.exit(0);
}

let hooks;
try {
  hooks = createRequire(join(root, 'package.json'))('simple-git-hooks');
} catch (error) {
  if (error?.code !== 'MODULE_NOT_FOUND') throw error;
  console.log('git hooks: simple-git-hooks is not installed (production install), nothing to install');
  process.exit(0);
}

// SKIP_INSTALL_SIMPLE_GIT_HOOKS=1 leaves the hooks as they are (it prints why).
if (!hooks.skipInstall()) {
  await hooks.setHooksFromConfig(root, process.argv);
  console.log('git hooks: installed the pre-commit hook (skip it once with SKIP_SIMPLE_GIT_HOOKS=1)');
}
