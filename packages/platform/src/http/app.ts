import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import formbody from '@fastify/formbody';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from '../logger.ts';
import { runWithTrace } from '../trace.ts';
import { answerClientError } from './client-error.ts';
import { closeConnectionsWhenDone } from './closing-connections.ts';
import { type ReadinessCheck, registerHealth } from './health.ts';
import { registerMetrics } from './metrics.ts';
import { HttpProblem, ProblemSchema, sendError } from './problem.ts';
import { discardRefusedBodies } from './refused-body.ts';
import { validatorCompiler } from './validation.ts';

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
  /** Trust X-Forwarded-* from a proxy in front (the gateway, a load balancer) for the client IP. */
  trustProxy?: boolean;
  /**
   * Serve this app's own OpenAPI document at /openapi.json and Swagger UI at /docs.
   * Default true; the gateway turns it off to serve one document merged from every service.
   */
  docs?: boolean;
}

export const ONE_MIB = 1024 * 1024;
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
    trustProxy: options.trustProxy ?? false,
    // A URL Fastify cannot decode (`/api/products/%`) is a 400 problem like any other.
    frameworkErrors: (error, request, reply) => sendError(error, request, reply),
    clientErrorHandler: answerClientError,
  }).withTypeProvider<TypeBoxTypeProvider>();

  // JSON and forms only; a route that takes other bytes (images) adds its own parser.
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
  app.addSchema(ProblemSchema);
  discardRefusedBodies(app);
  closeConnectionsWhenDone(app);

  await app.register(formbody, { bodyLimit: options.bodyLimit ?? ONE_MIB });
  if (options.docs ?? true) await registerDocs(app, options);
  registerHealth(app, options.readiness ?? []);
  registerMetrics(app, options.name);
  return app;
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
