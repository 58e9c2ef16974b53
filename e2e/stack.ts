import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

const ROOT = new URL('../', import.meta.url).pathname;

export interface RunningStack {
  urls: { account: string; product: string; order: string; notification: string };
  output(): string;
  stop(): Promise<number | null>;
}

/** One service started alone (`npm run start:service -- <name>`). */
export interface RunningService {
  url: string;
  output(): string;
  stop(): Promise<number | null>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

/** `npm start` as a user runs it: a child process on free ports with the given environment. */
export async function startStack(env: Record<string, string>): Promise<RunningStack> {
  const ports = {
    account: await freePort(),
    product: await freePort(),
    order: await freePort(),
    notification: await freePort(),
  };
  const urls = {
    account: `http://127.0.0.1:${ports.account}`,
    product: `http://127.0.0.1:${ports.product}`,
    order: `http://127.0.0.1:${ports.order}`,
    notification: `http://127.0.0.1:${ports.notification}`,
  };
  const started = await startProcess(
    ['apps/stack/src/main.ts'],
    {
      ACCOUNT_PORT: String(ports.account),
      PRODUCT_PORT: String(ports.product),
      ORDER_PORT: String(ports.order),
      NOTIFICATION_PORT: String(ports.notification),
      EMAIL_BACKOFF_MS: '200',
      ...env,
    },
    `${urls.notification}/health/ready`,
    'the stack',
  );
  return { urls, ...started };
}

/**
 * `npm run start:service -- <name>`: one service alone in a child process on a free port
 * (`<NAME>_PORT`, which wins over anything in `env`), with the given environment.
 */
export async function startService(
  name: 'account' | 'product' | 'order' | 'notification',
  env: Record<string, string>,
): Promise<RunningService> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = await startProcess(
    ['apps/stack/src/service.ts', name],
    { ...env, [`${name.toUpperCase()}_PORT`]: String(port) },
    `${url}/health/ready`,
    `the ${name} service`,
  );
  return { url, ...started };
}

async function startProcess(
  args: string[],
  env: Record<string, string>,
  readyUrl: string,
  what: string,
): Promise<{ output(): string; stop(): Promise<number | null> }> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', ...args], {
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
  return {
    output: () => text,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
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
