/**
 * The container image's health check (`node apps/stack/dist/healthcheck.js`): asks
 * GET /health/live of the service the container runs (SERVICE) where it listens, found as
 * the service finds it (`<SERVICE>_PORT`, else `PORT`, else the service's default), and
 * exits 0 on a 200 within 2 s, else 1. Node asks because slim images have no curl; it
 * imports nothing of the shop, so a check costs a bare Node start.
 */
import { pathToFileURL } from 'node:url';

/** Each service's default port: the PORT default of its configuration. */
export const DEFAULT_PORTS: Readonly<Record<string, number>> = {
  account: 8003,
  product: 8001,
  cart: 8007,
  order: 8005,
  notification: 8009,
  analytics: 8011,
  gateway: 8080,
};

/** The /health/live URL of the service `env` runs. */
export function liveUrl(env: NodeJS.ProcessEnv): string {
  const service = env.SERVICE ?? '';
  const defaultPort = DEFAULT_PORTS[service];
  if (defaultPort === undefined) {
    throw new Error(`SERVICE must be one of ${Object.keys(DEFAULT_PORTS).join(', ')} (got "${service}")`);
  }
  // The service-prefixed variable wins, as in the services' own configuration.
  const setting = (key: string) => env[`${service.toUpperCase()}_${key}`] || env[key] || undefined;
  const port = setting('PORT') ?? String(defaultPort);
  const host = setting('HOST');
  // A service listening on every interface answers on loopback.
  const address = !host || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${address}:${port}/health/live`;
}

async function check(): Promise<void> {
  try {
    const url = liveUrl(process.env);
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    if (response.status === 200) process.exit(0);
    console.error(`${url} answered ${response.status}`);
  } catch (error) {
    console.error((error as Error).message);
  }
  process.exit(1);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await check();
