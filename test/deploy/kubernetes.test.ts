/**
 * deploy/kubernetes, as `kubectl apply -k` would send it, judged without a cluster: each
 * overlay renders (kubectl kustomize); every object is valid against the Kubernetes API
 * schemas with no unknown field; the objects point at each other correctly; the shop's
 * pods are locked down and start with a configuration their services accept, probed on
 * routes they serve; and each overlay's own values (replicas, images, autoscaling, servers,
 * Secret, Ingress) are what was meant, since kustomize skips a patch that matches nothing
 * without a word. The last part breaks rendered objects on purpose, one way each, and
 * expects the checks to say so.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { INamespace } from 'kubernetes-models/v1/Namespace';
import type { IPersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import type { IService } from 'kubernetes-models/v1/Service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseClientRegistrations } from '../../services/account/src/domain/client-credentials.ts';
import { restrictedProblems, shopPodProblems } from './kubernetes/pod-security.ts';
import { pods, SERVICES, serviceOf } from './kubernetes/pods.ts';
import {
  autoscalerProblems,
  disruptionBudgetProblems,
  type ExternalSecret,
  envSourceProblems,
  ingressProblems,
  probePortProblems,
  referenceProblems,
  serviceProblems,
} from './kubernetes/references.ts';
import { copy, type K8sObject, KUBERNETES_DIR, named, ofKind, render } from './kubernetes/render.ts';
import { probeRouteProblems, type ServedRoutes, servedRoutes } from './kubernetes/routes.ts';
import { schemaProblems } from './kubernetes/schema.ts';
import { renderedSecretValues, type SecretValues, shopConfigProblems } from './kubernetes/shop-config.ts';
import { toolAvailable } from './tools.ts';

const kubectl = toolAvailable('kubectl', ['version', '--client']);

/** The Secret the prod overlay reads and the operator creates: its documented keys and example values. */
function documentedSecret(): { external: ExternalSecret; values: SecretValues } {
  const text = readFileSync(`${KUBERNETES_DIR}/overlays/prod/shop-secrets.env.example`, 'utf8');
  const entries = text
    .split('\n')
    .filter((line) => /^[A-Z][A-Z0-9_]*=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const);
  const values = Object.fromEntries(entries);
  return {
    external: { name: 'shop-secrets', keys: new Set(Object.keys(values)) },
    values: new Map([['shop-secrets', values]]),
  };
}

const shopDeployments = (objects: readonly K8sObject[]) =>
  ofKind<IDeployment>(objects, 'Deployment').filter((deployment) =>
    deployment.spec?.template.spec?.containers.some((container) => serviceOf(container)),
  );

/** The images of every container running the shop (services and migrations). */
function shopImages(objects: readonly K8sObject[]): string[] {
  return pods(objects).flatMap((pod) =>
    pod.spec.containers
      .filter((container) => container.command?.some((word) => word.startsWith('apps/stack/dist/')))
      .map((container) => container.image ?? ''),
  );
}

/** Whether `url` reaches the pods of the workload `name` through a rendered Service port. */
function reaches(objects: readonly K8sObject[], url: string, name: string): boolean {
  const { hostname, port } = new URL(url);
  const service = ofKind<IService>(objects, 'Service').find((object) => object.metadata.name === hostname);
  const pod = pods(objects).find((candidate) => candidate.name === name && candidate.kind !== 'Job');
  if (!service || !pod) return false;
  const selected = Object.entries(service.spec?.selector ?? {}).every(([key, value]) => pod.labels[key] === value);
  return selected && (service.spec?.ports ?? []).some((declared) => declared.port === Number(port));
}

/** The container's env entry `name`: its literal value or the Secret key it reads. */
function envEntry(objects: readonly K8sObject[], workload: string, name: string) {
  const pod = pods(objects).find((candidate) => candidate.name === workload);
  return pod?.spec.containers[0]?.env?.find((variable) => variable.name === name);
}

describe.skipIf(!kubectl)('Kubernetes manifests (deploy/kubernetes)', () => {
  const rendered: Record<string, K8sObject[]> = {};
  let routes: ServedRoutes;
  const documented = documentedSecret();

  beforeAll(async () => {
    rendered.dev = render('dev');
    rendered.prod = render('prod');
    routes = await servedRoutes();
  });
  afterAll(async () => {
    await routes?.close();
  });

  /** What each overlay reads its Secret from: rendered (dev) or documented (prod). */
  const secretsOf = (overlay: string) => ({
    external: overlay === 'prod' ? documented.external : undefined,
    values: overlay === 'prod' ? documented.values : renderedSecretValues(rendered[overlay] ?? []),
  });

  describe.each(['dev', 'prod'])('the %s overlay', (overlay) => {
    const objects = () => rendered[overlay] ?? [];

    it('when rendered, then every object is valid against the Kubernetes schemas, with no field they do not have', async () => {
      expect(objects().length).toBeGreaterThan(20);
      expect(await schemaProblems(objects())).toEqual([]);
    });

    it('when rendered, then every object is in the overlay’s namespace', () => {
      const namespace = named<INamespace>(objects(), 'Namespace', overlay === 'dev' ? 'shop-dev' : 'shop');
      const outside = objects().filter(
        (object) => object.kind !== 'Namespace' && object.metadata.namespace !== namespace.metadata.name,
      );
      expect(outside.map((object) => `${object.kind}/${object.metadata.name}`)).toEqual([]);
    });

    it('when rendered, then Services, budgets, autoscalers, the Ingress, env sources, volumes and probe ports point at what exists', () => {
      expect(referenceProblems(objects(), secretsOf(overlay).external)).toEqual([]);
    });

    it('when rendered, then the shop’s pods run as user 1000, read-only, unprivileged, with limits and a writable /tmp', () => {
      expect(pods(objects()).filter((pod) => pod.spec.containers.some((c) => serviceOf(c)))).toHaveLength(7);
      expect(shopPodProblems(objects())).toEqual([]);
    });

    it('when each service’s rendered environment is loaded by its own configuration loader, then it is accepted and agrees with its pod', () => {
      expect(shopConfigProblems(objects(), secretsOf(overlay).values)).toEqual([]);
    });

    it('when the services are probed and scraped as rendered, then every path is a route they serve', async () => {
      expect(await probeRouteProblems(objects(), routes)).toEqual([]);
    });

    it('when rendered, then every service has a Deployment, a Service, a PodDisruptionBudget, and the gateway an Ingress on PUBLIC_URL’s host', () => {
      for (const service of SERVICES) {
        expect(named<IDeployment>(objects(), 'Deployment', service).spec?.template.spec?.containers[0]?.args).toEqual([
          service,
        ]);
        expect(named<IService>(objects(), 'Service', service)).toBeDefined();
        expect(named<IPodDisruptionBudget>(objects(), 'PodDisruptionBudget', service).spec?.maxUnavailable).toBe(1);
      }
      const ingress = named<IIngress>(objects(), 'Ingress', 'shop');
      expect(ingress.spec?.rules?.[0]?.http?.paths[0]?.backend.service?.name).toBe('gateway');
      // The host clients use is the token issuer the services are told (PUBLIC_URL).
      const publicUrl = new URL(ofKind<IConfigMap>(objects(), 'ConfigMap')[0]?.data?.PUBLIC_URL ?? '');
      expect(ingress.spec?.rules?.map((rule) => rule.host)).toEqual([publicUrl.hostname]);
      const job = named<IJob>(objects(), 'Job', 'shop-migrate');
      expect(job.spec?.template.spec?.containers[0]?.args).toEqual([
        'account',
        'product',
        'order',
        'notification',
        'analytics',
      ]);
    });
  });

  describe('the dev overlay', () => {
    const dev = () => rendered.dev ?? [];

    it('when rendered, then each service runs one replica of the image shop:dev, with no autoscaler', () => {
      const deployments = shopDeployments(dev());
      expect(deployments.map((deployment) => [deployment.metadata.name, deployment.spec?.replicas])).toEqual(
        SERVICES.map((service) => [service, 1]).sort(),
      );
      expect(ofKind(dev(), 'HorizontalPodAutoscaler')).toEqual([]);
      expect(new Set(shopImages(dev()))).toEqual(new Set(['shop:dev']));
    });

    it('when rendered, then PostgreSQL, Redis and RabbitMQ run as StatefulSets on volumes of their own, and Mailpit catches the mail', () => {
      for (const server of ['postgres', 'redis', 'rabbitmq']) {
        const statefulSet = named<IStatefulSet>(dev(), 'StatefulSet', server);
        expect(statefulSet.spec?.serviceName).toBe(server);
        expect(statefulSet.spec?.replicas).toBe(1);
        expect(statefulSet.spec?.volumeClaimTemplates?.[0]?.spec?.resources?.requests?.storage).toBeTruthy();
        expect(named<IService>(dev(), 'Service', server).spec?.clusterIP).toBe('None');
      }
      expect(named<IDeployment>(dev(), 'Deployment', 'mailpit').spec?.replicas).toBe(1);
    });

    it('when rendered, then the Secret’s URLs reach the in-cluster servers with the credentials those servers are given', () => {
      const secrets = renderedSecretValues(dev());
      expect([...secrets.keys()]).toEqual([expect.stringMatching(/^shop-secrets-[a-z0-9]+$/)]);
      const values = [...secrets.values()][0] as Record<string, string>;
      const literal = (workload: string, name: string) => envEntry(dev(), workload, name)?.value;
      const secretOf = (workload: string, name: string) =>
        values[envEntry(dev(), workload, name)?.valueFrom?.secretKeyRef?.key ?? ''];

      const database = new URL(values.DATABASE_URL ?? '');
      expect(reaches(dev(), database.href, 'postgres')).toBe(true);
      expect([database.username, database.password, database.pathname]).toEqual([
        literal('postgres', 'POSTGRES_USER'),
        secretOf('postgres', 'POSTGRES_PASSWORD'),
        `/${literal('postgres', 'POSTGRES_DB')}`,
      ]);
      const redis = new URL(values.REDIS_URL ?? '');
      expect(reaches(dev(), redis.href, 'redis')).toBe(true);
      expect(redis.password).toBe(secretOf('redis', 'REDIS_PASSWORD'));
      const amqp = new URL(values.AMQP_URL ?? '');
      expect(reaches(dev(), amqp.href, 'rabbitmq')).toBe(true);
      expect([amqp.username, amqp.password]).toEqual([
        literal('rabbitmq', 'RABBITMQ_DEFAULT_USER'),
        secretOf('rabbitmq', 'RABBITMQ_DEFAULT_PASS'),
      ]);
      expect(reaches(dev(), values.SMTP_URL ?? '', 'mailpit')).toBe(true);
      expect(new URL(values.SMTP_URL ?? '').protocol).toBe('smtp:');
    });

    it('when rendered, then the order and product services’ client secrets are the ones registered with the account service', () => {
      const values = [...renderedSecretValues(dev()).values()][0] as Record<string, string>;
      const clients = parseClientRegistrations(values.OAUTH_CLIENTS ?? '');
      const registered = (id: string, secret: string) => {
        const hash = createHash('sha256').update(secret).digest('hex');
        return clients.find((client) => client.id === id && client.secretHash === hash)?.scopes;
      };
      expect(registered('order', values.ORDER_CLIENT_SECRET ?? '')).toEqual(['inventory:reserve']);
      expect(registered('product', values.PRODUCT_CLIENT_SECRET ?? '')).toEqual(['order:reconcile']);
      expect(Buffer.from(values.SIGNING_KEY_ENCRYPTION_KEY ?? '', 'base64')).toHaveLength(32);
    });
  });

  describe('the prod overlay', () => {
    const prod = () => rendered.prod ?? [];

    it('when rendered, then every shop container runs the release image by its version tag', () => {
      const images = shopImages(prod());
      expect(images).toHaveLength(8);
      expect(new Set(images)).toEqual(new Set(['registry.example.com/shop:0.1.0']));
      expect(images[0]).toMatch(/:\d+\.\d+\.\d+$/);
    });

    it('when rendered, then no server runs in the cluster and no Secret is rendered: the servers are reached by the URLs of the operator’s Secret', () => {
      expect(ofKind(prod(), 'StatefulSet')).toEqual([]);
      expect(ofKind(prod(), 'Secret')).toEqual([]);
      const deployments = ofKind<IDeployment>(prod(), 'Deployment').map((deployment) => deployment.metadata.name);
      expect(deployments.sort()).toEqual([...SERVICES].sort());
      for (const [workload, variable] of [
        ['account', 'DATABASE_URL'],
        ['account', 'REDIS_URL'],
        ['account', 'AMQP_URL'],
        ['gateway', 'REDIS_URL'],
        ['notification', 'SMTP_URL'],
        ['shop-migrate', 'DATABASE_URL'],
      ] as const) {
        expect(envEntry(prod(), workload, variable)?.valueFrom?.secretKeyRef).toEqual({
          name: 'shop-secrets',
          key: variable,
        });
      }
    });

    it('when rendered, then the Secret keys the pods read are exactly the documented ones', () => {
      const read = new Set(
        pods(prod()).flatMap((pod) =>
          pod.spec.containers.flatMap((container) =>
            (container.env ?? []).flatMap((variable) => variable.valueFrom?.secretKeyRef?.key ?? []),
          ),
        ),
      );
      expect([...read].sort()).toEqual([...documented.external.keys].sort());
    });

    it('when rendered, then each autoscaler keeps at least two pods and the Deployments leave the count to it', () => {
      const autoscalers = ofKind<IHorizontalPodAutoscaler>(prod(), 'HorizontalPodAutoscaler');
      expect(autoscalers.map((autoscaler) => autoscaler.spec?.scaleTargetRef.name).sort()).toEqual(
        [...SERVICES].sort(),
      );
      for (const autoscaler of autoscalers) {
        expect(autoscaler.spec?.minReplicas).toBe(2);
        expect(autoscaler.spec?.maxReplicas).toBeGreaterThanOrEqual(2);
      }
      expect(shopDeployments(prod()).map((deployment) => deployment.spec?.replicas)).toEqual(
        SERVICES.map(() => undefined),
      );
    });

    it('when rendered, then the Ingress serves PUBLIC_URL’s host over TLS', () => {
      const ingress = named<IIngress>(prod(), 'Ingress', 'shop');
      const config = ofKind<IConfigMap>(prod(), 'ConfigMap')[0];
      const publicUrl = new URL(config?.data?.PUBLIC_URL ?? '');
      expect(publicUrl.protocol).toBe('https:');
      expect(ingress.spec?.rules?.map((rule) => rule.host)).toEqual([publicUrl.hostname]);
      expect(ingress.spec?.tls).toEqual([{ hosts: [publicUrl.hostname], secretName: 'shop-tls' }]);
      expect(config?.data?.GATEWAY_HSTS_MAX_AGE).toBe('31536000');
    });

    it('when rendered, then the namespace enforces the restricted Pod Security Standard, which every pod meets', () => {
      const namespace = named<INamespace>(prod(), 'Namespace', 'shop');
      expect(namespace.metadata?.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
      expect(pods(prod())).toHaveLength(8);
      expect(pods(prod()).flatMap(restrictedProblems)).toEqual([]);
    });

    it('when rendered, then the product images are on a volume every product pod can write, on any node', () => {
      const claim = named<IPersistentVolumeClaim>(prod(), 'PersistentVolumeClaim', 'product-images');
      expect(claim.spec?.accessModes).toEqual(['ReadWriteMany']);
    });
  });

  describe('the checks, given a broken object', () => {
    const dev = () => copy(rendered.dev ?? []);
    const prod = () => copy(rendered.prod ?? []);
    const deployment = (objects: K8sObject[], name: string) => named<IDeployment>(objects, 'Deployment', name);
    const container = (objects: K8sObject[], name: string) => {
      const found = deployment(objects, name).spec?.template.spec?.containers[0];
      if (!found) throw new Error(`no container in ${name}`);
      return found;
    };

    it('when a field is misspelt or of the wrong type, then the schema check names it', async () => {
      const objects = dev();
      const account = container(objects, 'account') as unknown as Record<string, unknown>;
      account.readinesProbe = account.readinessProbe;
      (deployment(objects, 'cart').spec as unknown as Record<string, unknown>).replicas = 'two';
      expect(await schemaProblems(objects)).toEqual([
        'Deployment/account: unknown field .spec.template.spec.containers[0].readinesProbe',
        'Deployment/cart: /spec/replicas must be integer',
      ]);
    });

    it('when a Service selects no pod or targets a port no container has, then the reference check says so', () => {
      const objects = dev();
      const order = named<IService>(objects, 'Service', 'order');
      if (order.spec?.selector) order.spec.selector['app.kubernetes.io/name'] = 'orders';
      const cart = named<IService>(objects, 'Service', 'cart').spec?.ports?.[0];
      if (cart) cart.targetPort = 'web';
      expect(serviceProblems(objects)).toEqual([
        'Service/cart: targetPort web is no container port of Deployment/cart',
        "Service/order: its selector matches no Deployment's or StatefulSet's pods",
      ]);
    });

    it('when a budget, an autoscaler or the Ingress points at nothing, then the reference checks say so', () => {
      const objects = prod();
      const budget = named<IPodDisruptionBudget>(objects, 'PodDisruptionBudget', 'notification');
      if (budget.spec?.selector?.matchLabels) budget.spec.selector.matchLabels['app.kubernetes.io/name'] = 'mail';
      const autoscaler = named<IHorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler', 'cart');
      if (autoscaler.spec) autoscaler.spec.scaleTargetRef.name = 'carts';
      const gateway = deployment(objects, 'gateway');
      if (gateway.spec) gateway.spec.replicas = 3;
      const backend = named<IIngress>(objects, 'Ingress', 'shop').spec?.rules?.[0]?.http?.paths[0]?.backend.service;
      if (backend) backend.name = 'gateways';
      expect(disruptionBudgetProblems(objects)).toEqual([
        "PodDisruptionBudget/notification: its selector matches no workload's pods",
      ]);
      expect(autoscalerProblems(objects)).toEqual([
        'HorizontalPodAutoscaler/cart: scaleTargetRef Deployment/carts does not exist',
        'HorizontalPodAutoscaler/gateway: Deployment/gateway sets replicas, which every apply would reset',
      ]);
      expect(ingressProblems(objects)).toEqual(['Ingress/shop: backend Service gateways does not exist']);
    });

    it('when a container reads a Secret key nobody provides, then the env check says so, rendered or documented', () => {
      const [objects, prodObjects] = [dev(), prod()];
      for (const broken of [objects, prodObjects]) {
        const reference = container(broken, 'order').env?.[0]?.valueFrom?.secretKeyRef;
        if (reference) reference.key = 'DATABASE_URI';
      }
      const secretName = ofKind(objects, 'Secret')[0]?.metadata.name;
      expect(envSourceProblems(objects)).toEqual([
        `Deployment/order container order: DATABASE_URL reads Secret ${secretName} key DATABASE_URI, absent`,
      ]);
      expect(envSourceProblems(prodObjects, documented.external)).toEqual([
        'Deployment/order container order: DATABASE_URL reads Secret shop-secrets key DATABASE_URI, absent',
      ]);
    });

    it('when a probe asks a path the service does not serve or a port it does not have, then the probe checks say so', async () => {
      const objects = dev();
      const product = container(objects, 'product');
      if (product.readinessProbe?.httpGet) product.readinessProbe.httpGet.path = '/healthz';
      if (product.livenessProbe?.httpGet) product.livenessProbe.httpGet.port = 'admin';
      expect(await probeRouteProblems(objects, routes)).toEqual([
        'Deployment/product (product): livenessProbe is not GET /health/live on port "http"',
        'Deployment/product (product): readinessProbe is not GET /health/ready on port "http"',
        'Deployment/product (product): readinessProbe path /healthz is not a route of the service',
      ]);
      expect(probePortProblems(objects)).toEqual([
        'Deployment/product container product: livenessProbe port admin is no port of the container',
      ]);
    });

    it('when a shop pod may run as root or write its root filesystem, then the lockdown check says so', () => {
      const objects = prod();
      const podSpec = deployment(objects, 'account').spec?.template.spec;
      if (podSpec?.securityContext) podSpec.securityContext.runAsNonRoot = undefined;
      const account = container(objects, 'account');
      if (account.securityContext) {
        account.securityContext.runAsNonRoot = undefined;
        account.securityContext.readOnlyRootFilesystem = false;
      }
      expect(shopPodProblems(objects)).toEqual([
        'Deployment/account container account: runAsNonRoot is not true',
        'Deployment/account container account: root filesystem writable',
      ]);
    });

    it('when a setting is misspelt, a port disagrees, a URL misses its service or the Job forgets one, then the configuration check says so', () => {
      const objects = dev();
      const config = ofKind<IConfigMap>(objects, 'ConfigMap')[0];
      if (config?.data) {
        config.data.PRODUCT_IMAGES_DIR = '/app/data/images';
        config.data.CART_PORT = '9000';
        config.data.ORDER_URL = 'http://product:8001';
      }
      const job = named<IJob>(objects, 'Job', 'shop-migrate').spec?.template.spec?.containers[0];
      if (job) job.args = ['account', 'product', 'order'];
      const secrets = renderedSecretValues(objects);
      expect(shopConfigProblems(objects, secrets)).toEqual([
        `ConfigMap/${config?.metadata?.name}: PRODUCT_IMAGES_DIR is not a setting of any service`,
        'Deployment/cart (cart): listens on 9000 but its containerPort "http" is 8007',
        'Deployment/cart (cart): Prometheus would scrape port 8007, its metrics are on 9000',
        'Deployment/gateway (gateway): ORDER_URL=http://product:8001 does not reach the order pods',
        'Deployment/product (product): ORDER_URL=http://product:8001 does not reach the order pods',
        'the migrations Job migrates account order product, the services with a database are account analytics notification order product',
      ]);
    });
  });
});
