import { spawnSync } from 'node:child_process';

/**
 * Whether `command` runs here. Tests that need it skip without it, saying so, except under
 * CI=true, where a missing tool fails the run: CI must never pass with them skipped.
 */
export function toolAvailable(command: string, args: string[] = ['--version']): boolean {
  const ok = spawnSync(command, args, { stdio: 'ignore' }).status === 0;
  if (ok) return true;
  if (process.env.CI === 'true') throw new Error(`CI=true but ${command} is not installed`);
  console.warn(`skipping the tests that need ${command}: it is not installed`);
  return false;
}
