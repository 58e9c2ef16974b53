import { spawn } from 'node:child_process';
import { expectVethRoute, IP_COMMAND } from './netns.ts';

const ROOT = new URL('../', import.meta.url).pathname;

/** One service on a host of its own: `ip netns exec <namespace> node --import tsx apps/stack/src/service.ts <name>`. */
export interface NamespacedService {
  url: string;
  output(): string;
  /** SIGTERM; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts `name` in `namespace` with exactly `env` (and PATH): nothing of this machine's
 * environment leaks in, so every address it uses is one the test gave it. Resolves once
 * `url`/health/live answers, asked from this machine after checking the route to it
 * goes through a veth.
 */
export async function startInNamespace(
  namespace: string,
  name: string,
  url: string,
  env: Record<string, string>,
): Promise<NamespacedService> {
  await expectVethRoute(new URL(url).hostname);
  const child = spawn(
    IP_COMMAND[0],
    [
      ...IP_COMMAND.slice(1),
      'netns',
      'exec',
      namespace,
      process.execPath,
      '--import',
      'tsx',
      'apps/stack/src/service.ts',
      name,
    ],
    { cwd: ROOT, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let text = '';
  child.stdout?.on('data', (chunk) => {
    text += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    text += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 90_000;
  for (;;) {
    const live = await fetch(`${url}/health/live`, { signal: AbortSignal.timeout(2_000) }).catch(() => undefined);
    if (live?.ok) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the ${name} service did not start in ${namespace}:\n${text}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    output: () => text,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
