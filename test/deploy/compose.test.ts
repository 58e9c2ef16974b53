/**
 * deploy/compose.yaml: it is a valid Compose file (the Compose Specification's JSON schema,
 * and docker-compose 1.x, which refuses Compose-v2-only keys, with deploy/.env.example
 * filled in as its comments say), and as resolved it gives every service what the service's
 * own configuration needs: see compose.ts for the rules. Each rule is also shown to catch a
 * broken copy.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  type ComposeService,
  composeProblems,
  composeSchemaErrors,
  dockerComposeConfig,
  filledExampleEnv,
  type ResolvedCompose,
} from './compose.ts';
import { imageEnvironment, imageWorkdir, parseDockerfile } from './dockerfile.ts';
import { toolAvailable } from './tools.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const composeFile = join(root, 'deploy/compose.yaml');
const composeText = readFileSync(composeFile, 'utf8');
const example = readFileSync(join(root, 'deploy/.env.example'), 'utf8');
const dockerfile = parseDockerfile(readFileSync(join(root, 'deploy/Dockerfile'), 'utf8'));
const image = { env: imageEnvironment(dockerfile), workdir: imageWorkdir(dockerfile) };
const hasDockerCompose = toolAvailable('docker-compose', ['version']);

const scratch = mkdtempSync(join(tmpdir(), 'shop-compose-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Writes `text` to a scratch file and returns its path. */
function scratchFile(name: string, text: string): string {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
}

describe('deploy/compose.yaml', () => {
  const raw = parse(composeText, { merge: true }) as ResolvedCompose;

  it('validates against the Compose Specification schema', () => {
    expect(composeSchemaErrors(raw)).toEqual([]);
  });

  it('the schema catches a broken copy', () => {
    const broken = structuredClone(raw);
    (broken.services.account as ComposeService).depends_on = { postgres: { condition: 'service_ready' } };
    (broken.services.gateway as ComposeService).restarts = 'always';
    expect(composeSchemaErrors(broken).length).toBeGreaterThanOrEqual(2);
    expect(composeSchemaErrors({ ...raw, name: 7 }).length).toBeGreaterThan(0);
  });

  it('keeps deploy/.env out of git, and deploy/.env.example in', () => {
    const ignored = (path: string) => spawnSync('git', ['check-ignore', '-q', path], { cwd: root }).status === 0;
    expect(ignored('deploy/.env')).toBe(true);
    expect(ignored('deploy/.env.example')).toBe(false);
  });
});

describe.skipIf(!hasDockerCompose)('deploy/compose.yaml as docker-compose 1.x resolves it', () => {
  const envFile = scratchFile('filled.env', filledExampleEnv(example));
  let resolved: ResolvedCompose;

  beforeAll(() => {
    const result = dockerComposeConfig(composeFile, envFile);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    resolved = parse(result.stdout) as ResolvedCompose;
  });

  it('is accepted with .env.example filled in as its comments say', () => {
    const result = dockerComposeConfig(composeFile, envFile, true);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(composeSchemaErrors(resolved)).toEqual([]);
  });

  it('is refused with a secret left empty, and docker-compose 1.x refuses a top-level name', () => {
    const unfilled = scratchFile('unfilled.env', filledExampleEnv(example).replace(/^RABBITMQ_PASSWORD=.*$/m, ''));
    const missing = dockerComposeConfig(composeFile, unfilled, true);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain('set RABBITMQ_PASSWORD in deploy/.env');
    // Written beside the original, so that the build context (..) resolves the same.
    const named = join(root, 'deploy', `.compose-named-${process.pid}.yaml`);
    writeFileSync(named, `name: shop\n${composeText}`);
    try {
      const refused = dockerComposeConfig(named, envFile, true);
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toContain("'name' does not match");
    } finally {
      rmSync(named, { force: true });
    }
  });

  it('gives every service what its configuration needs', () => {
    expect(composeProblems(resolved, image)).toEqual([]);
  });

  type Mutation = (compose: ResolvedCompose) => void;
  const env = (compose: ResolvedCompose, service: string) => {
    const container = compose.services[service] as ComposeService;
    container.environment ??= {};
    return container.environment;
  };
  const mutations: Array<[string, Mutation, string]> = [
    ['a service left out', (c) => delete c.services.order, 'the order service runs 0 times'],
    [
      'a service run twice',
      (c) => (c.services.cart2 = structuredClone(c.services.cart as ComposeService)),
      'runs 2 times',
    ],
    ['a loopback HOST', (c) => (env(c, 'account').HOST = '127.0.0.1'), 'account: HOST=127.0.0.1'],
    ['a wrong port in a URL', (c) => (env(c, 'cart').PRODUCT_URL = 'http://product:8002'), 'product listens on 8001'],
    ['a service moved to another port', (c) => (env(c, 'product').PORT = '8101'), 'product listens on 8101'],
    ['a URL to a wrong host', (c) => (env(c, 'order').CART_URL = 'http://carts:8007'), 'names carts, not cart'],
    ['a URL left at its default', (c) => delete env(c, 'gateway').NOTIFICATION_URL, 'names 127.0.0.1'],
    ['another PUBLIC_URL', (c) => (env(c, 'cart').PUBLIC_URL = 'http://localhost:9999'), 'cart: PUBLIC_URL'],
    ['a server-mode URL left out', (c) => delete env(c, 'notification').SMTP_URL, 'SMTP_URL is not set'],
    [
      'a server not waited for',
      (c) => delete (c.services.cart!.depends_on as Record<string, unknown>).redis,
      'cart does not wait for redis',
    ],
    ['a server without healthcheck', (c) => delete c.services.redis?.healthcheck, 'redis has no healthcheck'],
    [
      'a database without volume',
      (c) => delete c.services.postgres?.volumes,
      'postgres keeps its data in no named volume',
    ],
    [
      'product images without volume',
      (c) => delete c.services.product?.volumes,
      'IMAGE_DIR (/app/data/product/images)',
    ],
    ['no admin password', (c) => delete env(c, 'account').ADMIN_PASSWORD, 'ADMIN_PASSWORD is empty'],
    ['a malformed encryption key', (c) => (env(c, 'account').SIGNING_KEY_ENCRYPTION_KEY = 'short'), 'does not load'],
    [
      'an unregistered client',
      (c) => (env(c, 'order').ORDER_CLIENT_SECRET = 'other'),
      'ORDER_CLIENT_SECRET is not registered',
    ],
    [
      'a client left out',
      (c) => (env(c, 'account').OAUTH_CLIENTS = String(env(c, 'account').OAUTH_CLIENTS).split(',')[0] ?? ''),
      'PRODUCT_CLIENT_SECRET is not registered',
    ],
    ['trust by hop count', (c) => (env(c, 'account').TRUST_PROXY = '1'), "does not name the gateway's address"],
    ['trust of the whole network', (c) => (env(c, 'account').TRUST_PROXY = '172.30.80.0/24'), 'not the gateway alone'],
    [
      'a shop service without healthcheck',
      (c) => delete c.services.order?.healthcheck,
      "order has no healthcheck of the service's own",
    ],
    ['a service published', (c) => (c.services.cart!.ports = ['8007:8007']), 'cart is published'],
    [
      'the metrics port published',
      (c) => c.services.gateway?.ports?.push('9080:9080'),
      "gateway's port 9080 is published",
    ],
    [
      'a UI published beyond loopback',
      (c) => (c.services.mailpit!.ports = ['8025:8025']),
      'mailpit: port 8025 is published beyond loopback',
    ],
    ['the gateway not published', (c) => delete c.services.gateway?.ports, 'its PORT is not published'],
  ];

  it.each(mutations)('catches %s', (_what, mutate, problem) => {
    const broken = structuredClone(resolved);
    mutate(broken);
    expect(composeProblems(broken, image).join('\n')).toContain(problem);
  });
});
