/**
 * `npm run test:image`: builds deploy/Dockerfile with podman (chroot isolation, no pulls)
 * on a stand-in for its Node base image (stand-in.ts), then runs services from the built
 * image as a container would (run-in-image.ts): the account service in embedded mode
 * writing into the image's data folder, and the gateway serving the web app. Each must
 * answer /health/live, pass the image's own HEALTHCHECK, and exit 0 on SIGTERM.
 * Not part of `npm test`: the first build downloads Debian and every npm dependency.
 */
import { type ChildProcess, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@shop/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toolAvailable } from '../deploy/tools.ts';
import { exitWithin, type ImageConfig, inspectImage, mountImage, startInImage, unmountImage } from './run-in-image.ts';
import { ensureStandInImage, folderForImageUser, mustAsRoot } from './stand-in.ts';

const repository = fileURLToPath(new URL('../..', import.meta.url));
const IMAGE = 'localhost/shop-test/shop:latest';
/** Where the image's services keep their data (DATA_DIR's default, under the image's WORKDIR). */
const DATA_FOLDER = 'data';

const tools = ['podman', 'debootstrap', 'unshare', 'chroot'].every((tool) =>
  toolAvailable(tool, tool === 'debootstrap' || tool === 'chroot' ? ['--help'] : ['--version']),
);
const privileged = process.getuid?.() === 0 || spawnSync('sudo', ['-n', 'true']).status === 0;
if (!privileged && process.env.CI === 'true') throw new Error('CI=true but the image test needs root or sudo');
if (!privileged) console.warn('skipping the image test: it needs root or passwordless sudo');

describe.skipIf(!tools || !privileged)('the container image', () => {
  let root = '';
  let config: ImageConfig;

  beforeAll(() => {
    const started = Date.now();
    const base = ensureStandInImage();
    const baseReady = Date.now();
    mustAsRoot(
      'podman',
      [
        'build',
        '--isolation',
        'chroot',
        '--pull=never',
        '--format',
        'docker',
        '--build-arg',
        `NODE_IMAGE=${base}`,
        '-f',
        'deploy/Dockerfile',
        '-t',
        IMAGE,
        '.',
      ],
      { cwd: repository },
    );
    const seconds = (from: number) => ((Date.now() - from) / 1000).toFixed(0);
    console.log(`image test: stand-in base ready in ${seconds(started)} s, image built in ${seconds(baseReady)} s`);
    config = inspectImage(IMAGE);
    root = mountImage(IMAGE);
  });

  afterAll(() => {
    if (root) unmountImage(IMAGE);
  });

  it('runs as a user other than root, with a health check and node as its entrypoint', () => {
    expect(config.User).toMatch(/^[1-9]\d*(:\d+)?$/);
    expect(config.Entrypoint?.[0]).toBe('node');
    expect(config.Healthcheck?.Test?.slice(0, 2)).toEqual(['CMD', 'node']);
    // The one folder the service writes, its user's.
    const data = statSync(join(root, config.WorkingDir, DATA_FOLDER));
    expect(`${data.uid}:${data.gid}`).toBe(config.User);
  });

  it('holds the production dependencies and no development-only one', () => {
    const lock = JSON.parse(readFileSync(join(repository, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean; link?: boolean; optional?: boolean }>;
    };
    const installed = (path: string) => existsSync(join(root, config.WorkingDir, path));
    const entries = Object.entries(lock.packages).filter(([path]) => path.startsWith('node_modules/'));
    const devOnly = entries.filter(([, entry]) => entry.dev).map(([path]) => path);
    // Optional ones are other platforms' binaries, left out here.
    const production = entries
      .filter(([, entry]) => !entry.dev && !entry.link && !entry.optional)
      .map(([path]) => path);
    expect(devOnly.length).toBeGreaterThan(0);
    expect(devOnly.filter(installed)).toEqual([]);
    expect(production.filter((path) => !installed(path))).toEqual([]);
  });

  /** Starts `service` from the image with `env`; resolves it once /health/live answers 200. */
  async function start(service: string, env: Record<string, string>, port: number) {
    const data = folderForImageUser();
    const child = startInImage({
      root,
      config,
      env: { SERVICE: service, LOG_LEVEL: 'info', ...env },
      dataDir: data.path,
      dataTarget: join(config.WorkingDir, DATA_FOLDER),
    });
    let output = '';
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline && child.exitCode === null) {
      const live = await fetch(`http://127.0.0.1:${port}/health/live`).catch(() => undefined);
      if (live?.status === 200) return { child, data, output: () => output };
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    child.kill('SIGKILL');
    data.remove();
    throw new Error(`${service} from the image did not answer /health/live:\n${output}`);
  }

  /** The image's HEALTHCHECK command, run in the image with the service's environment. */
  async function healthcheck(env: Record<string, string>): Promise<number | null> {
    const data = folderForImageUser();
    try {
      const test = config.Healthcheck?.Test ?? [];
      const child = startInImage({
        root,
        config,
        env,
        dataDir: data.path,
        dataTarget: join(config.WorkingDir, DATA_FOLDER),
        command: test[0] === 'CMD' ? test.slice(1) : ['sh', '-c', test.slice(1).join(' ')],
      });
      return await exitWithin(child, 30_000);
    } finally {
      data.remove();
    }
  }

  async function stop(running: { child: ChildProcess; data: { path: string; remove(): void }; output(): string }) {
    try {
      const started = Date.now();
      running.child.kill('SIGTERM');
      const code = await exitWithin(running.child, 15_000);
      expect(code, running.output()).toBe(0);
      return Date.now() - started;
    } finally {
      if (running.child.exitCode === null) running.child.kill('SIGKILL');
      running.data.remove();
    }
  }

  it('runs the account service in embedded mode, healthy, and stops it on SIGTERM with exit 0', async () => {
    const port = await freePort();
    const env = { SERVICE: 'account', ACCOUNT_PORT: String(port) };
    const running = await start('account', env, port);
    try {
      expect(await healthcheck(env)).toBe(0);
      // Embedded mode keeps its database in the image's data folder.
      expect(existsSync(join(running.data.path, 'pglite'))).toBe(true);
    } finally {
      expect(await stop(running)).toBeLessThan(15_000);
    }
    expect(await healthcheck(env)).toBe(1);
  });

  it('runs the gateway with the web app, healthy, and stops it on SIGTERM with exit 0', async () => {
    const [port, metricsPort] = [await freePort(), await freePort()];
    const env = { SERVICE: 'gateway', PORT: String(port), METRICS_PORT: String(metricsPort) };
    const running = await start('gateway', env, port);
    try {
      expect(await healthcheck(env)).toBe(0);
      const page = await fetch(`http://127.0.0.1:${port}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(await page.text()).toMatch(/<script type="module"[^>]* src="\/assets\//);
    } finally {
      expect(await stop(running)).toBeLessThan(15_000);
    }
  });
});
