/**
 * Runs a command from a built image the way a container would (its root filesystem, its
 * user, working folder and environment), without a container runtime: `podman run` needs
 * resource limits some sandboxes refuse. The image is mounted read-only (`podman image
 * mount`); a private mount namespace adds /dev, /proc and a writable folder over the
 * image's data folder, and `chroot --userspec` switches to the image's user. Every step
 * execs the next, so the returned child's pid is the command's own and a signal sent to it
 * reaches the command directly, as it would reach a container's first process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mustAsRoot } from './stand-in.ts';

export interface ImageConfig {
  User: string;
  WorkingDir: string;
  Env: string[];
  Entrypoint: string[] | null;
  Cmd: string[] | null;
  Healthcheck?: { Test?: string[] };
}

/** The image's run configuration (podman image inspect). */
export function inspectImage(image: string): ImageConfig {
  const [inspected] = JSON.parse(mustAsRoot('podman', ['image', 'inspect', image])) as Array<{
    Config: ImageConfig;
    Healthcheck?: ImageConfig['Healthcheck'];
  }>;
  if (!inspected) throw new Error(`no image ${image}`);
  // podman keeps the health check beside the configuration, docker inside it.
  return { ...inspected.Config, Healthcheck: inspected.Config.Healthcheck ?? inspected.Healthcheck };
}

/** Mounts the image read-only; resolves the folder its root filesystem is at. */
export function mountImage(image: string): string {
  return mustAsRoot('podman', ['image', 'mount', image]).trim();
}

export function unmountImage(image: string): void {
  mustAsRoot('podman', ['image', 'unmount', image]);
}

const ENTER = `set -e
root=$1; data=$2; target=$3; user=$4; shift 4
mount --bind "$data" "$root$target"
mount --rbind /dev "$root/dev"
mount -t proc proc "$root/proc"
exec chroot --userspec="$user" "$root" "$@"`;

/**
 * Starts `command` (the image's entrypoint and command when not given) in the image at
 * `root`, with the image's environment plus `env`, and `dataDir` mounted at `dataTarget`.
 */
export function startInImage(options: {
  root: string;
  config: ImageConfig;
  env: Record<string, string>;
  dataDir: string;
  dataTarget: string;
  command?: string[];
}): ChildProcess {
  const { config } = options;
  const command = options.command ?? [...(config.Entrypoint ?? []), ...(config.Cmd ?? [])];
  const env = [...config.Env, ...Object.entries(options.env).map(([key, value]) => `${key}=${value}`)];
  const inImage = ['env', '-i', '-C', config.WorkingDir || '/', ...env, ...command];
  const args = ['--mount', '--propagation', 'private', 'sh', '-c', ENTER, 'enter'];
  args.push(options.root, options.dataDir, options.dataTarget, config.User || '0', ...inImage);
  const [file, argv] = process.getuid?.() === 0 ? ['unshare', args] : ['sudo', ['-n', 'unshare', ...args]];
  return spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Resolves the child's exit code, or null when it is still running after `ms`. */
export function exitWithin(child: ChildProcess, ms: number): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), ms);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}
