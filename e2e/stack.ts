import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

const ROOT = new URL('../', import.meta.url).pathname;

export interface RunningStack {
  urls: { account: string; product: string; order: string; notification: string };
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
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'apps/stack/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      ARGON2_MEMORY_KIB: '1024',
      ARGON2_TIME_COST: '1',
      ACCOUNT_PORT: String(ports.account),
      PRODUCT_PORT: String(ports.product),
      ORDER_PORT: String(ports.order),
      NOTIFICATION_PORT: String(ports.notification),
      EMAIL_BACKOFF_MS: '200',
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
  const urls = {
    account: `http://127.0.0.1:${ports.account}`,
    product: `http://127.0.0.1:${ports.product}`,
    order: `http://127.0.0.1:${ports.order}`,
    notification: `http://127.0.0.1:${ports.notification}`,
  };
  const deadline = Date.now() + 90_000;
  for (;;) {
    try {
      if ((await fetch(`${urls.notification}/health/ready`)).ok) break;
    } catch {
      // not up yet
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the stack did not start:\n${text}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    urls,
    output: () => text,
    stop: async () => {
      child.kill('SIGTERM');
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
