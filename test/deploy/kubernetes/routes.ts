/**
 * Whether the paths the rendered shop pods are probed and scraped on are routes the
 * services serve, asked of the real thing without starting a service: every service's HTTP
 * app is the platform's createHttpApp (checked in its source), which registers the health
 * routes and, but in the gateway, /metrics; the gateway's metrics port is serveMetrics.
 */
import { readFileSync } from 'node:fs';
import { createHttpApp, createLogger, type HttpApp, serveMetrics } from '@shop/platform';
import { Registry } from 'prom-client';
import { pods, SERVICES, serviceOf } from './pods.ts';
import type { K8sObject } from './render.ts';
import { ROOT } from './render.ts';

/** Apps standing in for the services' own, built the way every service builds its app. */
export interface ServedRoutes {
  /** A service's port (gateway: its public port, which serves no /metrics). */
  status(service: string, path: string): Promise<number>;
  /** The gateway's metrics port. */
  metricsStatus(path: string): Promise<number>;
  close(): Promise<void>;
}

export async function servedRoutes(): Promise<ServedRoutes> {
  const notBuiltOnThePlatform = SERVICES.filter(
    (service) => !readFileSync(`${ROOT}services/${service}/src/app.ts`, 'utf8').includes('createHttpApp('),
  );
  if (notBuiltOnThePlatform.length > 0) throw new Error(`no createHttpApp in ${notBuiltOnThePlatform.join(', ')}`);
  const logger = createLogger({ name: 'routes', level: 'silent' });
  const service = await createHttpApp({ name: 'service', logger, docs: false });
  const gateway = await createHttpApp({ name: 'gateway', logger, docs: false, metricsRoute: false });
  const metrics = await serveMetrics(new Registry(), { host: '127.0.0.1', port: 0 });
  const status = async (app: HttpApp, path: string) => (await app.inject({ method: 'GET', url: path })).statusCode;
  return {
    status: (name, path) => status(name === 'gateway' ? gateway : service, path),
    metricsStatus: async (path) => (await fetch(new URL(path, metrics.url))).status,
    close: async () => {
      await Promise.all([service.close(), gateway.close(), metrics.close()]);
    },
  };
}

/**
 * Each shop service is probed for liveness on /health/live and readiness on /health/ready
 * through its port "http" (the gateway's readiness on /health/live: its /health/ready
 * reports the upstream services, and one of them down must not take every gateway pod out
 * of the Service), and every probe and scrape path answers 200 there.
 */
export async function probeRouteProblems(objects: readonly K8sObject[], routes: ServedRoutes): Promise<string[]> {
  const problems: string[] = [];
  for (const pod of pods(objects)) {
    for (const container of pod.spec.containers) {
      const service = serviceOf(container);
      if (!service) continue;
      const where = `${pod.owner} (${service})`;
      const expected = {
        livenessProbe: '/health/live',
        readinessProbe: service === 'gateway' ? '/health/live' : '/health/ready',
      };
      for (const [kind, path] of Object.entries(expected) as Array<[keyof typeof expected, string]>) {
        const probe = container[kind]?.httpGet;
        if (probe?.path !== path || probe.port !== 'http') {
          problems.push(`${where}: ${kind} is not GET ${path} on port "http"`);
        }
      }
      for (const kind of ['startupProbe', 'livenessProbe', 'readinessProbe'] as const) {
        const path = container[kind]?.httpGet?.path;
        if (path && (await routes.status(service, path)) !== 200) {
          problems.push(`${where}: ${kind} path ${path} is not a route of the service`);
        }
      }
      const scrapePath = pod.annotations['prometheus.io/path'] ?? '/metrics';
      const scraped =
        service === 'gateway' ? await routes.metricsStatus(scrapePath) : await routes.status(service, scrapePath);
      if (scraped !== 200) problems.push(`${where}: Prometheus path ${scrapePath} answers ${scraped}`);
    }
  }
  return problems;
}
