import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { HttpApp } from '@shop/platform';
import { routeFor, SERVICES, type ServiceName } from '../routes-table.ts';
import { mergeOpenApi, type OpenApiDocument, type ServiceDocument } from './merge-openapi.ts';

export interface MergedDocsOptions {
  /** Fetches a service's own /openapi.json. */
  fetchDocument: (service: ServiceName) => Promise<unknown>;
  publicUrl: string;
  version: string;
  /** How long a complete document is reused; one missing a service is retried sooner. */
  ttlMs?: number;
  now?: () => number;
}

const DEFAULT_TTL_MS = 30_000;
const PARTIAL_TTL_MS = 5_000;
const DESCRIPTION =
  'The whole shop API as clients reach it through the gateway: every service’s public operations, tagged by service.';

/**
 * The merged OpenAPI document, built on first use and then at most every `ttlMs`;
 * concurrent requests share one build.
 */
export class MergedDocs {
  private cached: { document: OpenApiDocument; expiresAt: number } | undefined;
  private building: Promise<OpenApiDocument> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: MergedDocsOptions) {
    this.now = options.now ?? Date.now;
  }

  async current(): Promise<OpenApiDocument> {
    if (this.cached && this.now() < this.cached.expiresAt) return this.cached.document;
    this.building ??= this.build().finally(() => {
      this.building = undefined;
    });
    return this.building;
  }

  /** The last document built (an empty one before the first build). */
  latest(): OpenApiDocument {
    return this.cached?.document ?? this.merge([]);
  }

  private async build(): Promise<OpenApiDocument> {
    const services = await Promise.all(SERVICES.map((service) => this.fetch(service)));
    const document = this.merge(services);
    const complete = services.every((entry) => entry.document);
    const ttl = this.options.ttlMs ?? DEFAULT_TTL_MS;
    this.cached = { document, expiresAt: this.now() + (complete ? ttl : Math.min(ttl, PARTIAL_TTL_MS)) };
    return document;
  }

  private async fetch(service: ServiceName): Promise<ServiceDocument> {
    try {
      const document = await this.options.fetchDocument(service);
      if (!isOpenApi(document)) return { service, error: 'its /openapi.json is not an OpenAPI document' };
      return { service, document };
    } catch {
      // The reason (addresses, ports) is the operator's business, not the public document's.
      return { service, error: 'the service did not serve its document just now' };
    }
  }

  private merge(services: ServiceDocument[]): OpenApiDocument {
    return mergeOpenApi(services, {
      title: 'Shop API',
      version: this.options.version,
      description: DESCRIPTION,
      publicUrl: this.options.publicUrl,
      routes: (path, service) => routeFor(path)?.service === service,
    });
  }
}

function isOpenApi(value: unknown): value is OpenApiDocument {
  const document = value as Partial<OpenApiDocument> | null;
  return (
    typeof document === 'object' &&
    document !== null &&
    typeof document.openapi === 'string' &&
    typeof document.paths === 'object'
  );
}

/**
 * The merged document at /openapi.json, and one Swagger UI over it at /docs (its
 * /docs/json and /docs/yaml serve the same document).
 */
export async function registerMergedDocs(app: HttpApp, docs: MergedDocs): Promise<void> {
  // Swagger UI needs @fastify/swagger; the gateway's own routes are not the API, so it gets a stub.
  await app.register(swagger, {
    mode: 'static',
    specification: { document: { openapi: '3.1.0', info: { title: 'Shop API', version: '0' }, paths: {} } },
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiHooks: {
      onRequest: async (request) => {
        if (/\/docs\/(json|yaml)$/.test(request.url.split('?', 1)[0] ?? '')) await docs.current();
      },
    },
    transformSpecification: () => docs.latest(),
    transformSpecificationClone: false,
  });
  app.get('/openapi.json', { schema: { hide: true } }, () => docs.current());
}
