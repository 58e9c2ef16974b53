import type { ReadinessCheck } from '@shop/platform';
import { Agent, request } from 'undici';
import { SERVICES, type ServiceName } from './routes-table.ts';

export interface Upstream {
  service: ServiceName;
  /** Base URL, e.g. http://127.0.0.1:8001. */
  url: string;
  /** The connection pool every request to this service goes through. */
  agent: Agent;
}

export interface UpstreamOptions {
  urls: Record<ServiceName, string>;
  /** Deadline for a service's response headers, and for each pause in its body. */
  timeoutMs: number;
}

/** Longest wait for a side request of the gateway's own (health, OpenAPI documents). */
const SIDE_REQUEST_TIMEOUT_MS = 5_000;

/**
 * The services behind the gateway: one undici pool each, shared by the proxy, the
 * readiness checks and the docs. `close()` lets requests in flight finish first.
 */
export class Upstreams {
  private readonly byService: Map<ServiceName, Upstream>;
  private readonly sideTimeoutMs: number;

  constructor(options: UpstreamOptions) {
    this.sideTimeoutMs = Math.min(options.timeoutMs, SIDE_REQUEST_TIMEOUT_MS);
    this.byService = new Map(
      SERVICES.map((service) => [
        service,
        {
          service,
          url: options.urls[service].replace(/\/+$/, ''),
          agent: new Agent({
            headersTimeout: options.timeoutMs,
            bodyTimeout: options.timeoutMs,
            connect: { timeout: Math.min(options.timeoutMs, 10_000) },
            keepAliveTimeout: 10_000,
          }),
        },
      ]),
    );
  }

  get(service: ServiceName): Upstream {
    return this.byService.get(service) as Upstream;
  }

  /** One check per service: its /health/live answers 200. */
  readiness(): ReadinessCheck[] {
    return SERVICES.map((service) => ({
      name: service,
      check: async () => {
        const response = await this.get(service).agent.request({
          origin: this.get(service).url,
          path: '/health/live',
          method: 'GET',
          headersTimeout: this.sideTimeoutMs,
          bodyTimeout: this.sideTimeoutMs,
        });
        await response.body.dump();
        if (response.statusCode !== 200) throw new Error(`${service} /health/live answered ${response.statusCode}`);
      },
    }));
  }

  /** GETs a JSON document from a service; rejects on a network error, a timeout or a non-200 answer. */
  async fetchJson(service: ServiceName, path: string): Promise<unknown> {
    const upstream = this.get(service);
    const response = await request(`${upstream.url}${path}`, {
      dispatcher: upstream.agent,
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(this.sideTimeoutMs),
    });
    if (response.statusCode !== 200) {
      await response.body.dump();
      throw new Error(`${service} ${path} answered ${response.statusCode}`);
    }
    return response.body.json();
  }

  async close(): Promise<void> {
    await Promise.all([...this.byService.values()].map((upstream) => upstream.agent.close()));
  }
}
