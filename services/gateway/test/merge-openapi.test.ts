import { describe, expect, it } from 'vitest';
import { mergeOpenApi, type OpenApiDocument, type ServiceDocument } from '../src/docs/merge-openapi.ts';

const problem = { type: 'object', properties: { status: { type: 'integer' } } };
const bearer = { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' };

function doc(paths: OpenApiDocument['paths'], components: OpenApiDocument['components'] = {}): OpenApiDocument {
  return { openapi: '3.1.0', info: { title: 'x', version: '1', description: 'own words' }, paths, components };
}

interface Operation {
  tags?: string[];
  operationId?: string;
  security?: unknown;
  responses: Record<string, unknown>;
}

/** The operation at `path` (GET unless named); fails the test when it is missing. */
function op(document: OpenApiDocument | undefined, path: string, method = 'get'): Operation {
  const found = document?.paths?.[path]?.[method];
  if (!found) throw new Error(`no ${method} ${path}`);
  return found as Operation;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const jsonResponse = (schema: unknown) => ({
  description: 'ok',
  content: { 'application/json': { schema } },
});

const routes: Record<string, string> = { '/api/items': 'alpha', '/api/things': 'beta', '/api/shared': 'alpha' };
const options = {
  title: 'Shop API',
  version: '9',
  description: 'All of it.',
  publicUrl: 'https://shop.example/',
  routes: (path: string, service: string) =>
    Object.entries(routes).some(([prefix, owner]) => path.startsWith(prefix) && owner === service),
};

const alpha: ServiceDocument = {
  service: 'alpha',
  document: doc(
    {
      '/api/items': {
        get: {
          tags: ['items'],
          operationId: 'list',
          responses: { 200: jsonResponse(ref('Item')), 400: jsonResponse(ref('Problem')) },
        },
      },
      '/internal/items': { post: { responses: { 201: jsonResponse(ref('Item')) } } },
      '/health/live': { get: { responses: {} } },
    },
    {
      schemas: { Problem: problem, Item: { type: 'object', properties: { id: { type: 'integer' } } } },
      securitySchemes: { bearer },
    },
  ),
};

const beta: ServiceDocument = {
  service: 'beta',
  document: doc(
    {
      '/api/things/{id}': {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
        get: {
          operationId: 'list',
          security: [{ bearer: [] }],
          responses: { 200: jsonResponse(ref('Item')), 404: jsonResponse(ref('Problem')) },
        },
      },
      // Routed to alpha, so beta's copy is not the gateway's: left out.
      '/api/shared': { get: { responses: {} } },
    },
    {
      schemas: {
        Problem: problem,
        // Same name as alpha's, different schema: renamed.
        Item: { type: 'object', properties: { name: { type: 'string' } } },
        // Same text as nothing in alpha, but points at the renamed Item.
        Box: { type: 'array', items: ref('Item') },
      },
      securitySchemes: { bearer: { type: 'http', scheme: 'basic' } },
    },
  ),
};

describe('mergeOpenApi', () => {
  const merged = mergeOpenApi(
    [alpha, beta, { service: 'gamma', error: 'the service did not serve its document just now' }],
    options,
  );

  it('when services are merged, then only the paths the gateway routes to each are kept', () => {
    expect(Object.keys(merged.paths ?? {}).sort()).toEqual(['/api/items', '/api/things/{id}']);
  });

  it('when operations are merged, then each is tagged with its service only, and path-level fields are kept', () => {
    expect(op(merged, '/api/items').tags).toEqual(['alpha']);
    expect(op(merged, '/api/things/{id}').tags).toEqual(['beta']);
    expect(merged.paths?.['/api/things/{id}']?.parameters).toEqual(
      beta.document?.paths?.['/api/things/{id}']?.parameters,
    );
    expect(merged.tags).toEqual([
      { name: 'alpha', description: 'own words' },
      { name: 'beta', description: 'own words' },
    ]);
  });

  it('when two services define the same schema, then it is kept once under its name', () => {
    expect(merged.components?.schemas?.Problem).toEqual(problem);
    expect(Object.keys(merged.components?.schemas ?? {}).filter((name) => name.includes('Problem'))).toEqual([
      'Problem',
    ]);
  });

  it('when two services use one name for different schemas, then the second is renamed and its $refs follow', () => {
    expect(merged.components?.schemas?.Item).toEqual(alpha.document?.components?.schemas?.Item);
    expect(merged.components?.schemas?.['beta.Item']).toEqual(beta.document?.components?.schemas?.Item);
    const betaGet = op(merged, '/api/things/{id}');
    expect(betaGet.responses[200]).toEqual(jsonResponse(ref('beta.Item')));
    expect(betaGet.responses[404]).toEqual(jsonResponse(ref('Problem')));
    const alphaGet = op(merged, '/api/items');
    expect(alphaGet.responses[200]).toEqual(jsonResponse(ref('Item')));
    expect(merged.components?.schemas?.Box).toEqual({ type: 'array', items: ref('beta.Item') });
  });

  it('when security schemes collide, then the second is renamed and its operations’ requirements follow', () => {
    expect(merged.components?.securitySchemes?.bearer).toEqual(bearer);
    expect(merged.components?.securitySchemes?.['beta.bearer']).toEqual({ type: 'http', scheme: 'basic' });
    expect(op(merged, '/api/things/{id}').security).toEqual([{ 'beta.bearer': [] }]);
  });

  it('when operation ids repeat across services, then the later one is prefixed with its service', () => {
    expect(op(merged, '/api/items').operationId).toBe('list');
    expect(op(merged, '/api/things/{id}').operationId).toBe('beta.list');
  });

  it('when a service has no document, then it is named in the description, and the rest is merged', () => {
    expect(merged.info).toEqual({
      title: 'Shop API',
      version: '9',
      description:
        'All of it.\n\nServices whose operations are missing:\n- gamma: not included (the service did not serve its document just now).',
    });
    expect(merged.servers).toEqual([{ url: 'https://shop.example' }]);
    expect(merged.openapi).toBe('3.1.0');
  });

  it('when the inputs are merged, then they are not changed', () => {
    expect(beta.document?.components?.schemas?.Box).toEqual({ type: 'array', items: ref('Item') });
    expect(op(beta.document, '/api/things/{id}').tags).toBeUndefined();
  });

  it('when every service is there, then the description is just the given one', () => {
    expect(mergeOpenApi([alpha], options).info.description).toBe('All of it.');
  });
});
