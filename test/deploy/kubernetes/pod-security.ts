/**
 * How the shop's pods are locked down, and the "restricted" Pod Security Standard a
 * namespace may enforce (https://kubernetes.io/docs/concepts/security/pod-security-standards/),
 * checked on the rendered pods since no API server admits them here.
 */
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { ISecurityContext } from 'kubernetes-models/v1/SecurityContext';
import { allContainers, type Pod, pods, shopContainers } from './pods.ts';
import type { K8sObject } from './render.ts';

/** Volume types the restricted standard allows. */
const RESTRICTED_VOLUMES = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
];

function effective(pod: Pod, container: IContainer): ISecurityContext {
  const podContext = pod.spec.securityContext ?? {};
  return {
    runAsNonRoot: podContext.runAsNonRoot,
    runAsUser: podContext.runAsUser,
    seccompProfile: podContext.seccompProfile,
    ...Object.fromEntries(Object.entries(container.securityContext ?? {}).filter(([, value]) => value !== undefined)),
  };
}

/** Why the pod would be refused where the "restricted" standard is enforced. */
export function restrictedProblems(pod: Pod): string[] {
  const problems: string[] = [];
  const spec = pod.spec;
  if (spec.hostNetwork || spec.hostPID || spec.hostIPC) problems.push(`${pod.owner}: shares a host namespace`);
  for (const volume of spec.volumes ?? []) {
    const type = Object.keys(volume).find((key) => key !== 'name');
    if (!type || !RESTRICTED_VOLUMES.includes(type)) problems.push(`${pod.owner}: volume ${volume.name} is ${type}`);
  }
  for (const container of allContainers(pod)) {
    const where = `${pod.owner} container ${container.name}`;
    const context = effective(pod, container);
    if (context.privileged) problems.push(`${where}: privileged`);
    if (context.allowPrivilegeEscalation !== false) problems.push(`${where}: allowPrivilegeEscalation is not false`);
    if (context.runAsNonRoot !== true) problems.push(`${where}: runAsNonRoot is not true`);
    if (context.runAsUser === 0) problems.push(`${where}: runs as user 0`);
    if (!['RuntimeDefault', 'Localhost'].includes(context.seccompProfile?.type ?? '')) {
      problems.push(`${where}: no RuntimeDefault or Localhost seccomp profile`);
    }
    if (!context.capabilities?.drop?.includes('ALL')) problems.push(`${where}: does not drop ALL capabilities`);
    const added = (context.capabilities?.add ?? []).filter((capability) => capability !== 'NET_BIND_SERVICE');
    if (added.length > 0) problems.push(`${where}: adds capabilities ${added.join(', ')}`);
  }
  return problems;
}

/**
 * The shop's own pods (its services and its migrations Job), beyond "restricted": user
 * 1000 (the image's), a read-only root filesystem with an emptyDir for /tmp, requests and
 * limits, no Service links (they would set <SERVICE>_PORT) and no API token.
 */
export function shopPodProblems(objects: readonly K8sObject[]): string[] {
  return pods(objects)
    .filter((pod) => shopContainers(pod).length > 0)
    .flatMap((pod) => {
      const problems = restrictedProblems(pod);
      const { spec } = pod;
      if (spec.securityContext?.runAsUser !== 1000) problems.push(`${pod.owner}: the pod does not run as user 1000`);
      if (spec.enableServiceLinks !== false) problems.push(`${pod.owner}: enableServiceLinks is not false`);
      if (spec.automountServiceAccountToken !== false) problems.push(`${pod.owner}: mounts a service account token`);
      if (pod.kind === 'Deployment' && spec.terminationGracePeriodSeconds === undefined) {
        problems.push(`${pod.owner}: no terminationGracePeriodSeconds`);
      }
      const emptyDirs = new Set((spec.volumes ?? []).filter((volume) => volume.emptyDir).map((volume) => volume.name));
      for (const container of shopContainers(pod)) {
        const where = `${pod.owner} container ${container.name}`;
        if (container.securityContext?.readOnlyRootFilesystem !== true)
          problems.push(`${where}: root filesystem writable`);
        if (container.securityContext?.runAsUser !== 1000) problems.push(`${where}: does not run as user 1000`);
        const tmp = container.volumeMounts?.find((mount) => mount.mountPath === '/tmp');
        if (!tmp || !emptyDirs.has(tmp.name) || tmp.readOnly) problems.push(`${where}: /tmp is no writable emptyDir`);
        for (const bound of ['requests', 'limits'] as const) {
          for (const resource of ['cpu', 'memory']) {
            if (!container.resources?.[bound]?.[resource]) problems.push(`${where}: no ${resource} ${bound}`);
          }
        }
      }
      return problems;
    });
}
