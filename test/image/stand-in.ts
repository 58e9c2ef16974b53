/**
 * A stand-in for the image deploy/Dockerfile is built on (node:22-bookworm-slim), made
 * here without a container registry: a minimal Debian bookworm from Debian's own mirror
 * (debootstrap, cached under /var/cache/shop-test-image, so only the first run downloads
 * it), with this machine's Node and npm, the CA certificates this machine trusts, and the
 * official image's user 1000 ("node").
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const CACHE_DIR = '/var/cache/shop-test-image';
const ROOTFS_TAR = join(CACHE_DIR, 'bookworm-minbase.tar');
const BASE_IMAGE = 'localhost/shop-test/bookworm-minbase:latest';
export const STAND_IN_IMAGE = 'localhost/shop-test/node-standin:bookworm';
const DEBIAN_MIRROR = process.env.DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';

/** Runs a command as root: directly when this is root, else through sudo (CI runners). */
export function asRoot(command: string, args: string[], options: { cwd?: string; input?: string } = {}) {
  const [file, argv] = process.getuid?.() === 0 ? [command, args] : ['sudo', ['-n', command, ...args]];
  const result = spawnSync(file, argv, { ...options, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

/** asRoot, failing with the command's output unless it exits 0; resolves its stdout. */
export function mustAsRoot(command: string, args: string[], options: { cwd?: string } = {}): string {
  const result = asRoot(command, args, options);
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${result.stdout}${result.stderr}`);
  }
  return result.stdout;
}

/** The Debian root filesystem as a tarball, made once. */
function ensureRootfsTarball(): void {
  if (existsSync(ROOTFS_TAR)) return;
  mustAsRoot('mkdir', ['-p', CACHE_DIR]);
  const work = join(CACHE_DIR, `rootfs.${process.pid}`);
  try {
    mustAsRoot('debootstrap', ['--variant=minbase', 'bookworm', work, DEBIAN_MIRROR]);
    mustAsRoot('sh', ['-c', `rm -f ${work}/var/cache/apt/archives/*.deb`]);
    mustAsRoot('tar', ['--numeric-owner', '-C', work, '-cf', `${ROOTFS_TAR}.${process.pid}`, '.']);
    mustAsRoot('mv', [`${ROOTFS_TAR}.${process.pid}`, ROOTFS_TAR]);
  } finally {
    asRoot('rm', ['-rf', work, `${ROOTFS_TAR}.${process.pid}`]);
  }
}

/** What this machine trusts for TLS (the system's bundle, and NODE_EXTRA_CA_CERTS), so npm reaches its registry. */
function trustedCertificates(): string {
  const files = ['/etc/ssl/certs/ca-certificates.crt', process.env.NODE_EXTRA_CA_CERTS];
  return files
    .filter((file): file is string => Boolean(file && existsSync(file)))
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n');
}

/** Builds (or finds in podman's layer cache) the stand-in base image; resolves its name. */
export function ensureStandInImage(): string {
  ensureRootfsTarball();
  if (asRoot('podman', ['image', 'exists', BASE_IMAGE]).status !== 0) {
    mustAsRoot('podman', ['import', ROOTFS_TAR, BASE_IMAGE]);
  }
  const context = mkdtempSync(join(tmpdir(), 'shop-stand-in-'));
  try {
    cpSync(process.execPath, join(context, 'node'));
    // npm as installed beside this node (…/bin/node, …/lib/node_modules/npm).
    cpSync(join(dirname(process.execPath), '../lib/node_modules/npm'), join(context, 'npm'), { recursive: true });
    writeFileSync(join(context, 'ca-certificates.crt'), trustedCertificates());
    writeFileSync(
      join(context, 'Containerfile'),
      [
        `FROM ${BASE_IMAGE}`,
        'COPY node /usr/local/bin/node',
        'COPY npm /usr/local/lib/node_modules/npm',
        'COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt',
        'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt',
        'RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\',
        ' && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \\',
        ' && groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node',
        '',
      ].join('\n'),
    );
    mustAsRoot(
      'podman',
      ['build', '--isolation', 'chroot', '--pull=never', '--format', 'docker', '-t', STAND_IN_IMAGE, '.'],
      {
        cwd: context,
      },
    );
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
  return STAND_IN_IMAGE;
}

/** A fresh folder the image's user (uid 1000) may write in, and how to remove it with what that user wrote. */
export function folderForImageUser(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'shop-image-data-'));
  mustAsRoot('chown', ['1000:1000', path]);
  return { path, remove: () => void asRoot('rm', ['-rf', path]) };
}
