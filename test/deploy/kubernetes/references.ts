/**
 * What kustomize does not check and the API server would accept anyway: that the rendered
 * objects point at each other correctly. A Service selecting no pod, a targetPort naming no
 * container port, an autoscaler or an Ingress aimed at nothing, a Secret key nobody
 * provides: each is a working-looking manifest that serves nothing. Every check returns its
 * problems in words, so a test can break an object and expect that very problem.
 */
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { IIngressBackend } from 'kubernetes-models/networking.k8s.io/v1/IngressBackend';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import type { IService } from 'kubernetes-models/v1/Service';
import { allContainers, type Pod, pods, selects } from './pods.ts';
import { type K8sObject, ofKind } from './render.ts';

interface Workload {
  spec?: {
    replicas?: number;
    selector?: { matchLabels?: Record<string, string> };
    volumeClaimTemplates?: Array<{ metadata?: { name?: string } }>;
  };
}

/** The pods a Service, PodDisruptionBudget or HorizontalPodAutoscaler can mean: not a Job's. */
function longRunning(objects: readonly K8sObject[]): Pod[] {
  return pods(objects).filter((pod) => pod.kind !== 'Job');
}

/** A Deployment's or StatefulSet's selector must select its own pods. */
export function workloadSelectorProblems(objects: readonly K8sObject[]): string[] {
  return longRunning(objects).flatMap((pod) => {
    const workload = objects.find((object) => `${object.kind}/${object.metadata.name}` === pod.owner) as Workload;
    const selector = workload.spec?.selector?.matchLabels;
    return selects(selector, pod.labels) ? [] : [`${pod.owner}: its selector does not match its pod labels`];
  });
}

function portNamed(containers: IContainer[], port: string | number): boolean {
  return containers.some((container) =>
    (container.ports ?? []).some((declared) =>
      typeof port === 'string' ? declared.name === port : declared.containerPort === port,
    ),
  );
}

/** Each Service selects the pods of some workload, whose containers have every targetPort. */
export function serviceProblems(objects: readonly K8sObject[]): string[] {
  return ofKind<IService>(objects, 'Service').flatMap((service) => {
    const where = `Service/${service.metadata.name}`;
    if (service.spec?.type === 'ExternalName') return [];
    const selected = longRunning(objects).filter((pod) => selects(service.spec?.selector, pod.labels));
    if (selected.length === 0) return [`${where}: its selector matches no Deployment's or StatefulSet's pods`];
    return (service.spec?.ports ?? []).flatMap((port) => {
      const target = port.targetPort ?? port.port;
      return selected
        .filter((pod) => !portNamed(allContainers(pod), target))
        .map((pod) => `${where}: targetPort ${target} is no container port of ${pod.owner}`);
    });
  });
}

export function disruptionBudgetProblems(objects: readonly K8sObject[]): string[] {
  return ofKind<IPodDisruptionBudget>(objects, 'PodDisruptionBudget').flatMap((budget) =>
    longRunning(objects).some((pod) => selects(budget.spec?.selector?.matchLabels, pod.labels))
      ? []
      : [`PodDisruptionBudget/${budget.metadata.name}: its selector matches no workload's pods`],
  );
}

/**
 * Each autoscaler scales a workload that exists; that workload sets no replicas (each apply
 * would reset the autoscaler's count); a CPU utilization target has CPU requests to be a
 * percentage of.
 */
export function autoscalerProblems(objects: readonly K8sObject[]): string[] {
  return ofKind<IHorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler').flatMap((autoscaler) => {
    const where = `HorizontalPodAutoscaler/${autoscaler.metadata.name}`;
    const { scaleTargetRef: target, minReplicas = 1, maxReplicas, metrics = [] } = autoscaler.spec ?? {};
    const workload = objects.find(
      (object) =>
        object.kind === target?.kind &&
        object.metadata.name === target?.name &&
        object.apiVersion === target?.apiVersion,
    );
    if (!workload) return [`${where}: scaleTargetRef ${target?.kind}/${target?.name} does not exist`];
    const problems: string[] = [];
    if ((workload as Workload).spec?.replicas !== undefined) {
      problems.push(`${where}: ${target?.kind}/${target?.name} sets replicas, which every apply would reset`);
    }
    if (maxReplicas !== undefined && minReplicas > maxReplicas) problems.push(`${where}: minReplicas > maxReplicas`);
    const pod = pods([workload])[0] as Pod;
    const cpuUtilization = metrics.some(
      (metric) => metric.resource?.name === 'cpu' && metric.resource.target.type === 'Utilization',
    );
    for (const container of pod.spec.containers) {
      if (cpuUtilization && !container.resources?.requests?.cpu) {
        problems.push(`${where}: container ${container.name} has no CPU request to measure utilization against`);
      }
    }
    return problems;
  });
}

function backendProblem(objects: readonly K8sObject[], backend: IIngressBackend | undefined): string | undefined {
  if (!backend?.service) return undefined;
  const { name, port } = backend.service;
  const service = ofKind<IService>(objects, 'Service').find((candidate) => candidate.metadata.name === name);
  if (!service) return `backend Service ${name} does not exist`;
  const exists = (service.spec?.ports ?? []).some((declared) =>
    port?.name !== undefined ? declared.name === port.name : declared.port === port?.number,
  );
  return exists ? undefined : `backend Service ${name} has no port ${port?.name ?? port?.number}`;
}

/** Every Ingress backend is a Service port that exists; TLS, when given, covers every host. */
export function ingressProblems(objects: readonly K8sObject[]): string[] {
  return ofKind<IIngress>(objects, 'Ingress').flatMap((ingress) => {
    const where = `Ingress/${ingress.metadata.name}`;
    const rules = ingress.spec?.rules ?? [];
    const backends = [
      ingress.spec?.defaultBackend,
      ...rules.flatMap((rule) => (rule.http?.paths ?? []).map((path) => path.backend)),
    ];
    const problems = backends.flatMap((backend) => {
      const problem = backendProblem(objects, backend);
      return problem ? [`${where}: ${problem}`] : [];
    });
    const tls = ingress.spec?.tls;
    if (tls) {
      const covered = new Set(tls.flatMap((entry) => entry.hosts ?? []));
      for (const rule of rules) {
        if (rule.host && !covered.has(rule.host)) problems.push(`${where}: host ${rule.host} has no TLS certificate`);
      }
    }
    return problems;
  });
}

/** A Secret the overlay does not create but documents: the operator's. */
export interface ExternalSecret {
  name: string;
  keys: ReadonlySet<string>;
}

function keysOf(object: ISecret | IConfigMap | undefined): Set<string> | undefined {
  if (!object) return undefined;
  const secret = object as ISecret;
  return new Set([...Object.keys(object.data ?? {}), ...Object.keys(secret.stringData ?? {})]);
}

/**
 * Every ConfigMap and Secret a container reads (envFrom, configMapKeyRef, secretKeyRef) is
 * rendered with the key it reads, or, for a Secret the operator creates, documented with it;
 * a key read as optional may be missing, not its Secret.
 */
export function envSourceProblems(objects: readonly K8sObject[], external?: ExternalSecret): string[] {
  const configMap = (name: string) =>
    keysOf(ofKind<IConfigMap>(objects, 'ConfigMap').find((object) => object.metadata.name === name));
  const secret = (name: string) =>
    keysOf(ofKind<ISecret>(objects, 'Secret').find((object) => object.metadata.name === name)) ??
    (external?.name === name ? new Set(external.keys) : undefined);
  return pods(objects).flatMap((pod) =>
    allContainers(pod).flatMap((container) => {
      const where = `${pod.owner} container ${container.name}`;
      const problems: string[] = [];
      for (const source of container.envFrom ?? []) {
        if (source.configMapRef && !configMap(source.configMapRef.name ?? '')) {
          problems.push(`${where}: ConfigMap ${source.configMapRef.name} does not exist`);
        }
        if (source.secretRef && !secret(source.secretRef.name ?? '')) {
          problems.push(`${where}: Secret ${source.secretRef.name} is neither rendered nor documented`);
        }
      }
      for (const variable of container.env ?? []) {
        const fromConfig = variable.valueFrom?.configMapKeyRef;
        if (fromConfig && !configMap(fromConfig.name ?? '')?.has(fromConfig.key)) {
          problems.push(`${where}: ${variable.name} reads ConfigMap ${fromConfig.name} key ${fromConfig.key}, absent`);
        }
        const fromSecret = variable.valueFrom?.secretKeyRef;
        // An optional key may be absent (the pod starts without it); its Secret may not.
        const present = (keys: Set<string> | undefined) =>
          keys?.has(fromSecret?.key ?? '') || (fromSecret?.optional && keys);
        if (fromSecret && !present(secret(fromSecret.name ?? ''))) {
          problems.push(`${where}: ${variable.name} reads Secret ${fromSecret.name} key ${fromSecret.key}, absent`);
        }
      }
      return problems;
    }),
  );
}

/** Every mount names a volume of its pod; every claim it uses is rendered. */
export function volumeProblems(objects: readonly K8sObject[]): string[] {
  const claims = new Set(
    ofKind<IPersistentVolumeClaim>(objects, 'PersistentVolumeClaim').map((claim) => claim.metadata.name),
  );
  return pods(objects).flatMap((pod) => {
    const workload = objects.find((object) => `${object.kind}/${object.metadata.name}` === pod.owner) as Workload;
    const templates = (workload.spec?.volumeClaimTemplates ?? []).map((template) => template.metadata?.name);
    const volumes = new Set([...(pod.spec.volumes ?? []).map((volume) => volume.name), ...templates]);
    const problems = allContainers(pod).flatMap((container) =>
      (container.volumeMounts ?? [])
        .filter((mount) => !volumes.has(mount.name))
        .map((mount) => `${pod.owner} container ${container.name}: mount ${mount.name} names no volume`),
    );
    for (const volume of pod.spec.volumes ?? []) {
      const claim = volume.persistentVolumeClaim?.claimName;
      if (claim && !claims.has(claim)) problems.push(`${pod.owner}: PersistentVolumeClaim ${claim} does not exist`);
    }
    return problems;
  });
}

/** Every HTTP or TCP probe's port is a port its container declares. */
export function probePortProblems(objects: readonly K8sObject[]): string[] {
  return pods(objects).flatMap((pod) =>
    allContainers(pod).flatMap((container) =>
      (['startupProbe', 'livenessProbe', 'readinessProbe'] as const).flatMap((kind) => {
        const probe = container[kind];
        const port = probe?.httpGet?.port ?? probe?.tcpSocket?.port;
        if (port === undefined || portNamed([container], port)) return [];
        return [`${pod.owner} container ${container.name}: ${kind} port ${port} is no port of the container`];
      }),
    ),
  );
}

/** All of the above. */
export function referenceProblems(objects: readonly K8sObject[], external?: ExternalSecret): string[] {
  return [
    ...workloadSelectorProblems(objects),
    ...serviceProblems(objects),
    ...disruptionBudgetProblems(objects),
    ...autoscalerProblems(objects),
    ...ingressProblems(objects),
    ...envSourceProblems(objects, external),
    ...volumeProblems(objects),
    ...probePortProblems(objects),
  ];
}
