/**
 * The configuration each rendered shop container would start with, read by the service's
 * own configuration loader: the ConfigMap's keys, the Secret's values, the ports and
 * paths they name. A misspelt key is a default silently kept; a port out of step with the
 * containerPort is a pod that never becomes ready.
 */
import { existsSync } from 'node:fs';
import { loadConfig, parseTrustedProxies } from '@shop/platform';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IService } from 'kubernetes-models/v1/Service';
import { CONFIG_SCHEMAS } from '../../config-schemas.ts';
import { type Pod, pods, SERVICES, type ServiceName, selects, serviceOf, shopScript } from './pods.ts';
import { type K8sObject, ofKind, ROOT } from './render.ts';

/** Secret name → key → value, as the containers would read them. */
export type SecretValues = ReadonlyMap<string, Readonly<Record<string, string>>>;

/** The rendered Secrets' values, decoded. */
export function renderedSecretValues(objects: readonly K8sObject[]): Map<string, Record<string, string>> {
  return new Map(
    ofKind<{ data?: Record<string, string> }>(objects, 'Secret').map((secret) => [
      secret.metadata.name,
      Object.fromEntries(
        Object.entries(secret.data ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')]),
      ),
    ]),
  );
}

function configKeys(service: ServiceName): string[] {
  return Object.keys((CONFIG_SCHEMAS[service] as unknown as { properties: Record<string, unknown> }).properties);
}

/** Whether `service` reads the variable: one of its keys, bare or with its name in front. */
function reads(service: ServiceName, variable: string): boolean {
  const prefix = `${service.toUpperCase()}_`;
  return configKeys(service).some((key) => variable === key || variable === `${prefix}${key}`);
}

/** The environment the container sees: its envFrom ConfigMaps, then its own env entries. */
export function containerEnv(
  objects: readonly K8sObject[],
  container: IContainer,
  secrets: SecretValues,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    const name = source.configMapRef?.name;
    const configMap = ofKind<{ data?: Record<string, string> }>(objects, 'ConfigMap').find(
      (object) => object.metadata.name === name,
    );
    Object.assign(env, configMap?.data ?? {});
  }
  for (const variable of container.env ?? []) {
    const fromSecret = variable.valueFrom?.secretKeyRef;
    const value = fromSecret ? secrets.get(fromSecret.name ?? '')?.[fromSecret.key] : variable.value;
    if (value !== undefined) env[variable.name] = value;
  }
  return env;
}

function port(container: IContainer, name: string): number | undefined {
  return container.ports?.find((declared) => declared.name === name)?.containerPort;
}

/** The URL settings that name another service (ACCOUNT_URL → account): where it is reached. */
const SERVICE_URL = new RegExp(`^(?:[A-Z]+_)?(${SERVICES.map((service) => service.toUpperCase()).join('|')})_URL$`);

function serviceUrlProblems(
  objects: readonly K8sObject[],
  service: ServiceName,
  where: string,
  env: Record<string, string>,
): string[] {
  return Object.entries(env).flatMap(([variable, value]) => {
    const named = SERVICE_URL.exec(variable)?.[1]?.toLowerCase();
    if (!named || !reads(service, variable)) return [];
    const url = new URL(value);
    const reached = ofKind<IService>(objects, 'Service').find((object) => object.metadata.name === url.hostname);
    const servicePort = reached?.spec?.ports?.find((declared) => declared.port === Number(url.port));
    if (!reached || !servicePort) return [`${where}: ${variable}=${value} is no rendered Service port`];
    const target = pods(objects).find((pod) => pod.kind === 'Deployment' && pod.name === named);
    return target && selects(reached.spec?.selector, target.labels)
      ? []
      : [`${where}: ${variable}=${value} does not reach the ${named} pods`];
  });
}

/** One shop service's container: its configuration loads, and its ports and paths agree with the pod. */
function serviceContainerProblems(
  objects: readonly K8sObject[],
  pod: Pod,
  container: IContainer,
  service: ServiceName,
  secrets: SecretValues,
): string[] {
  const where = `${pod.owner} (${service})`;
  const env = containerEnv(objects, container, secrets);
  const problems = (container.env ?? [])
    .filter((variable) => !reads(service, variable.name))
    .map((variable) => `${where}: ${variable.name} is not a setting of the ${service} service`);
  let config: Record<string, unknown>;
  try {
    config = loadConfig(CONFIG_SCHEMAS[service] as never, { env, service }) as Record<string, unknown>;
    if (typeof config.TRUST_PROXY === 'string') parseTrustedProxies(config.TRUST_PROXY);
  } catch (error) {
    return [...problems, `${where}: ${(error as Error).message}`];
  }
  if (config.HOST !== '0.0.0.0') problems.push(`${where}: HOST is ${config.HOST}, not 0.0.0.0`);
  if (config.PORT !== port(container, 'http')) {
    problems.push(`${where}: listens on ${config.PORT} but its containerPort "http" is ${port(container, 'http')}`);
  }
  const scraped = Number(pod.annotations['prometheus.io/port']);
  const metricsPort = service === 'gateway' ? config.METRICS_PORT : config.PORT;
  if (service === 'gateway' && metricsPort !== port(container, 'metrics')) {
    problems.push(`${where}: METRICS_PORT ${metricsPort} is not its containerPort "metrics"`);
  }
  if (pod.annotations['prometheus.io/scrape'] !== 'true' || scraped !== metricsPort) {
    problems.push(`${where}: Prometheus would scrape port ${scraped}, its metrics are on ${metricsPort}`);
  }
  if (typeof config.IMAGE_DIR === 'string' && config.IMAGE_DIR !== '') {
    const dir = config.IMAGE_DIR;
    const mounted = container.volumeMounts?.some((mount) => dir.startsWith(`${mount.mountPath}/`) && !mount.readOnly);
    if (!mounted) problems.push(`${where}: IMAGE_DIR ${dir} is on no writable volume`);
  }
  return [...problems, ...serviceUrlProblems(objects, service, where, env)];
}

/**
 * Every shop container's configuration, checked with the services' own loaders: known keys,
 * valid values, ports and paths that match the pod, URLs that reach the service they name;
 * the scripts the containers run exist; the migrations Job migrates exactly the services
 * given a database.
 */
export function shopConfigProblems(objects: readonly K8sObject[], secrets: SecretValues): string[] {
  const problems: string[] = [];
  for (const configMap of ofKind<{ data?: Record<string, string> }>(objects, 'ConfigMap')) {
    for (const key of Object.keys(configMap.data ?? {})) {
      if (!SERVICES.some((service) => reads(service, key))) {
        problems.push(`ConfigMap/${configMap.metadata.name}: ${key} is not a setting of any service`);
      }
    }
  }
  const withDatabase = new Set<string>();
  const migrated = new Set<string>();
  for (const pod of pods(objects)) {
    for (const container of pod.spec.containers) {
      const script = shopScript(container);
      if (!script) continue;
      if (!existsSync(`${ROOT}apps/stack/src/${script}.ts`)) {
        problems.push(
          `${pod.owner}: runs apps/stack/dist/${script}.js, which apps/stack/src/${script}.ts does not build`,
        );
      }
      const service = serviceOf(container);
      if (service) {
        problems.push(...serviceContainerProblems(objects, pod, container, service, secrets));
        if (containerEnv(objects, container, secrets).DATABASE_URL) withDatabase.add(service);
      } else if (script === 'migrate') {
        for (const name of container.args ?? []) migrated.add(name);
        if (!containerEnv(objects, container, secrets).DATABASE_URL) problems.push(`${pod.owner}: no DATABASE_URL`);
      } else {
        problems.push(`${pod.owner}: runs ${script} with no service named`);
      }
    }
  }
  const expected = [...withDatabase].sort().join(' ');
  if ([...migrated].sort().join(' ') !== expected) {
    problems.push(
      `the migrations Job migrates ${[...migrated].sort().join(' ')}, the services with a database are ${expected}`,
    );
  }
  return problems;
}
