import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import formbody from '@fastify/formbody';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Registry } from 'prom-client';
import type { Logger } from '../logger.ts';
import { runWithTrace } from '../trace.ts';
import { answerClientError } from './client-error.ts';
import { closeConnectionsWhenDone } from './closing-connections.ts';
import { type ReadinessCheck, registerHealth } from './health.ts';
import { registerMetrics } from './metrics.ts';
import { HttpProblem, ProblemSchema, sendError } from './problem.ts';
import { discardRefusedBodies } from './refused-body.ts';
import type { TrustedProxies } from './trust-proxy.ts';
import { validatorCompiler } from './validation.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** This app's Prometheus registry (served at /metrics, or by serveMetrics). */
    metrics: Registry;
  }
}

export type HttpApp = FastifyInstance<Server, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;

export interface HttpAppOptions {
  /** Service name: used in logs, metrics and the OpenAPI title. */
  name: string;
  version?: string;
  description?: string;
  logger: Logger;
  /** Largest request body in bytes (routes may lower or raise it). Default 1 MiB. */
  bodyLimit?: number;
  readiness?: ReadonlyArray<ReadinessCheck>;
  /** Public base URL, written as the OpenAPI server. */
  publicUrl?: string;
  /** The proxies in front (the gateway, a load balancer) whose X-Forwarded-* name the client. Default none. */
  trustProxy?: TrustedProxies;
  /**
   * Serve this app's own OpenAPI document at /openapi.json and Swagger UI at /docs.
   * Default true; the gateway turns it off to serve one document merged from every service.
   */
  docs?: boolean;
  /**
   * Longest time a client may take to send a whole request, headers and body; past it the
   * client gets 408 problem+json and the connection closes (a slow drip holds no socket
   * for long). Default 60 s. `listen()` can set it from configuration.
   */
  requestTimeoutMs?: number;
  /**
   * Serve Prometheus metrics at /metrics on this app's port. Default true: a service's
   * port is not public. The gateway's is, so it serves them on a port of their own instead
   * (serveMetrics).
   */
  metricsRoute?: boolean;
}

export const ONE_MIB = 1024 * 1024;
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
/** How often Node looks for requests past their time (its default, 30 s, would let one overstay by that much). */
const TIMEOUT_CHECK_MS = 1_000;
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Builds a Fastify app with everything a service shares: request ids, strict
 * validation, problem+json errors, OpenAPI at /openapi.json and Swagger UI at /docs,
 * health and metrics. The service registers its routes on the result, then calls ready().
 */
export async function createHttpApp(options: HttpAppOptions): Promise<HttpApp> {
  const app = Fastify({
    loggerInstance: options.logger.child({ service: options.name }) as FastifyBaseLogger,
    bodyLimit: options.bodyLimit ?? ONE_MIB,
    requestIdHeader: false,
    genReqId: (request) => {
      const sent = request.headers['x-request-id'];
      return typeof sent === 'string' && REQUEST_ID.test(sent) ? sent : randomUUID();
    },
    routerOptions: { maxParamLength: 200 },
    trustProxy: fastifyTrustProxy(options.trustProxy ?? false),
    requestTimeout: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    http: {
      connectionsCheckingInterval: TIMEOUT_CHECK_MS,
      headersTimeout: headersTimeoutFor(options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS),
    },
    // A URL Fastify cannot decode (`/api/products/%`) is a 400 problem like any other.
    frameworkErrors: (error, request, reply) => sendError(error, request, reply),
    clientErrorHandler: answerClientError,
    // Access lines only when asked for (LOG_LEVEL=debug, below): at info, a busy shop's
    // log would be mostly two lines per request, each costing CPU on every request.
    logController: new LogController({ disableRequestLogging: true }),
  }).withTypeProvider<TypeBoxTypeProvider>();

  // JSON only; a route that takes forms (acceptFormBodies) or other bytes (images) adds its parser.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  app.setErrorHandler((error, request, reply) => sendError(error, request, reply));
  app.setNotFoundHandler((request) => {
    throw new HttpProblem(404, `No route for ${request.method} ${request.url.split('?')[0]}.`, { code: 'not_found' });
  });
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    // The rest of the request runs in its trace (see trace.ts): events it writes carry it.
    const incoming = request.headers.traceparent;
    runWithTrace(typeof incoming === 'string' ? incoming : undefined, done);
  });
  app.addHook('onResponse', (request, reply, done) => {
    if ((request.log as Logger).isLevelEnabled('debug')) {
      request.log.debug(
        { method: request.method, url: request.url, statusCode: reply.statusCode, responseTime: reply.elapsedTime },
        'request completed',
      );
    }
    done();
  });
  app.addSchema(ProblemSchema);
  discardRefusedBodies(app);
  closeConnectionsWhenDone(app);

  if (options.docs ?? true) await registerDocs(app, options);
  registerHealth(app, options.readiness ?? []);
  const metrics = registerMetrics(app, options.name, { route: options.metricsRoute ?? true });
  app.decorate('metrics', metrics);
  return app;
}

/**
 * Lets the routes of `scope` (an encapsulated plugin) take `application/x-www-form-urlencoded`
 * bodies, as the OAuth endpoints must (RFC 6749). Everywhere else a form is a 415.
 */
export async function acceptFormBodies(scope: HttpApp, bodyLimit = ONE_MIB): Promise<void> {
  // formbody is not encapsulated (fastify-plugin): it adds its parser to `scope`, not to a child.
  await scope.register(formbody, { bodyLimit });
}

/** Fastify counts hops with a function (its types leave out the number form). */
function fastifyTrustProxy(trusted: TrustedProxies): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof trusted === 'number' ? (_address, hop) => hop < trusted : trusted;
}

/**
 * Node's time for the headers alone: at most the whole request's (a larger one silently
 * disables the request timeout) and at most its own default of a minute.
 */
export function headersTimeoutFor(requestTimeoutMs: number): number {
  return Math.min(60_000, requestTimeoutMs);
}

/** OpenAPI at /openapi.json and Swagger UI at /docs, generated from the app's route schemas. */
async function registerDocs(app: HttpApp, options: HttpAppOptions): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: `${options.name} service`,
        version: options.version ?? '0.1.0',
        description: options.description ?? '',
      },
      servers: options.publicUrl ? [{ url: options.publicUrl }] : [],
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
