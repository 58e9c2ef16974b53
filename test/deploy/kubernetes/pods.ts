/**
 * The pods the rendered workloads would run (Deployments, StatefulSets, Jobs), and which
 * of their containers run the shop: a service (`service.js <name>`) or its migrations
 * (`migrate.js <service...>`).
 */
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { K8sObject } from './render.ts';

export interface Pod {
  /** `Deployment/account`. */
  owner: string;
  kind: string;
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  spec: IPodSpec;
}

interface WithPodTemplate {
  spec?: {
    template?: {
      metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
      spec?: IPodSpec;
    };
  };
}

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'Job']);

export function pods(objects: readonly K8sObject[]): Pod[] {
  return objects
    .filter((object) => WORKLOADS.has(object.kind))
    .map((object) => {
      const template = (object as WithPodTemplate).spec?.template;
      return {
        owner: `${object.kind}/${object.metadata.name}`,
        kind: object.kind,
        name: object.metadata.name,
        labels: template?.metadata?.labels ?? {},
        annotations: template?.metadata?.annotations ?? {},
        spec: template?.spec ?? { containers: [] },
      };
    });
}

export const SERVICES = ['account', 'product', 'cart', 'order', 'notification', 'analytics', 'gateway'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** The script a container runs from the built shop (`apps/stack/dist/<script>.js`), if it does. */
export function shopScript(container: IContainer): string | undefined {
  const script = [...(container.command ?? []), ...(container.args ?? [])].find((word) =>
    /^apps\/stack\/dist\/[\w-]+\.js$/.test(word),
  );
  return script?.replace(/^apps\/stack\/dist\/(.+)\.js$/, '$1');
}

/** The shop service a container runs, when it runs one. */
export function serviceOf(container: IContainer): ServiceName | undefined {
  if (shopScript(container) !== 'service') return undefined;
  const name = container.args?.[0];
  return SERVICES.find((service) => service === name);
}

/** Every container of the pod that runs something of the shop. */
export function shopContainers(pod: Pod): IContainer[] {
  return [...(pod.spec.initContainers ?? []), ...pod.spec.containers].filter((container) => shopScript(container));
}

/** The pod's containers, init containers included. */
export function allContainers(pod: Pod): IContainer[] {
  return [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
}

/** Whether every pair of `selector` is among `labels` (an empty selector matches nothing here). */
export function selects(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  const pairs = Object.entries(selector ?? {});
  return pairs.length > 0 && pairs.every(([key, value]) => labels[key] === value);
}
