/**
 * The Kubernetes objects an overlay of deploy/kubernetes renders to, as `kubectl apply -k`
 * would send them: `kubectl kustomize <overlay>`, parsed.
 */
import { execFileSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';

export const ROOT = new URL('../../../', import.meta.url).pathname;
export const KUBERNETES_DIR = `${ROOT}deploy/kubernetes`;

/** What every rendered object has; the checks read the rest through the models' types. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

export function render(overlay: string): K8sObject[] {
  const text = execFileSync('kubectl', ['kustomize', `${KUBERNETES_DIR}/overlays/${overlay}`], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return parseAllDocuments(text).map((document) => {
    if (document.errors.length > 0) throw new Error(`${overlay}: ${document.errors[0]?.message}`);
    return document.toJS() as K8sObject;
  });
}

/** The objects of one kind, typed as its model's interface. */
export function ofKind<T>(objects: readonly K8sObject[], kind: string): Array<T & K8sObject> {
  return objects.filter((object) => object.kind === kind) as Array<T & K8sObject>;
}

export function named<T>(objects: readonly K8sObject[], kind: string, name: string): T & K8sObject {
  const found = ofKind<T>(objects, kind).find((object) => object.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in the rendered objects`);
  return found;
}

/** A deep copy to break on purpose. */
export function copy<T>(value: T): T {
  return structuredClone(value);
}
