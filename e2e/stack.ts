import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from '@shop/platform/testing';

const ROOT = new URL('../', import.meta.url).pathname;

export const SERVICES = ['account', 'product', 'cart', 'order', 'notification', 'analytics', 'gateway'] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface RunningStack {
  urls: Record<ServiceName, string>;
  output(): string;
  stop(): Promise<number | null>;
  /** SIGKILL, as a crash or an OOM kill: nothing runs after it. Resolves once the process is gone. */
  crash(): Promise<void>;
}

/** One service started alone (`npm run start:service -- <name>`). */
export interface RunningService {
  url: string;
  output(): string;
  stop(): Promise<number | null>;
}

export { freePort };

/**
 * Node's arguments to run the production build (test/global-setup.ts makes it current).
 * Where Node could strip types itself, it is told not to, so a module that still
 * resolved to a `.ts` source would fail here as it does on Node 20.
 */
export const BUILT = [
  '--conditions=production',
  ...(process.allowedNodeEnvironmentFlags.has('--no-experimental-strip-types')
    ? ['--no-experimental-strip-types']
    : []),
];

/**
 * Free ports for every service, and the environment that points each service at the
 * others: `<NAME>_PORT` and `<NAME>_URL` for all, and the gateway as the public URL.
 */
export async function shopPorts(): Promise<{ urls: Record<ServiceName, string>; env: Record<string, string> }> {
  const urls = {} as Record<ServiceName, string>;
  const env: Record<string, string> = {};
  for (const name of SERVICES) {
    const port = await freePort();
    urls[name] = `http://127.0.0.1:${port}`;
    env[`${name.toUpperCase()}_PORT`] = String(port);
    env[`${name.toUpperCase()}_URL`] = urls[name];
  }
  env.PUBLIC_URL = urls.gateway;
  // The gateway's management port, where its /metrics are (a fixed default would collide).
  env.GATEWAY_METRICS_PORT = String(await freePort());
  return { urls, env };
}

/** `npm start` as a user runs it: a child process on free ports with the given environment. */
export async function startStack(env: Record<string, string>): Promise<RunningStack> {
  const shop = await shopPorts();
  return startStackOn(shop, env);
}

/** `npm start` on ports chosen before (to start the same shop again after a stop). */
export async function startStackOn(
  shop: { urls: Record<ServiceName, string>; env: Record<string, string> },
  env: Record<string, string>,
): Promise<RunningStack> {
  const started = await startProcess(
    [...BUILT, 'apps/stack/dist/main.js'],
    { EMAIL_BACKOFF_MS: '200', ...shop.env, ...env },
    [`${shop.urls.notification}/health/ready`, `${shop.urls.gateway}/health/ready`],
    'the stack',
  );
  return { urls: shop.urls, ...started };
}

/**
 * One service alone in a child process as production runs it, from the build (`node
 * --conditions=production apps/stack/dist/service.js <name>`), on `port` or a free one
 * (`<NAME>_PORT`, which wins over anything in `env`), with the given environment.
 */
export async function startService(
  name: ServiceName,
  env: Record<string, string>,
  port?: number,
): Promise<RunningService> {
  const listenOn = port ?? (await freePort());
  const url = `http://127.0.0.1:${listenOn}`;
  const started = await startProcess(
    [...BUILT, 'apps/stack/dist/service.js', name],
    { EMAIL_BACKOFF_MS: '200', ...env, [`${name.toUpperCase()}_PORT`]: String(listenOn) },
    [`${url}/health/live`],
    `the ${name} service`,
  );
  return { url, ...started };
}

async function startProcess(
  args: string[],
  env: Record<string, string>,
  readyUrls: string[],
  what: string,
): Promise<{ output(): string; stop(): Promise<number | null>; crash(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      ARGON2_MEMORY_KIB: '1024',
      ARGON2_TIME_COST: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (chunk) => {
    text += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    text += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 90_000;
  for (const readyUrl of readyUrls) {
    for (;;) {
      try {
        if ((await fetch(readyUrl)).ok) break;
      } catch {
        // not up yet
      }
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`${what} did not start:\n${text}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return {
    output: () => text,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
    crash: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Polls `check` until it returns a value, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
