import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as contracts from '@shop/contracts';
import { describe, expect, it } from 'vitest';
import { ROUTES, routeFor, SERVICES } from '../src/routes-table.ts';

const SERVICES_DIR = fileURLToPath(new URL('../../', import.meta.url));

/** Path constants a route may register by name (`RESERVATIONS_PATH`), from `@shop/contracts`. */
const PATH_CONSTANTS = new Map<string, string>();
for (const [name, value] of Object.entries(contracts)) {
  if (name.endsWith('_PATH') && typeof value === 'string') PATH_CONSTANTS.set(name, value);
}

/** A route file's text with each contracts path constant (bare, or leading a template) written out as a literal. */
function withPathConstants(text: string): string {
  const known = (name: string, fallback: string) => {
    const path = PATH_CONSTANTS.get(name);
    return path === undefined ? fallback : path;
  };
  return text
    .replace(/`\$\{(\w+_PATH)\}([^`$]*)`/g, (whole, name: string, rest: string) => `'${known(name, whole)}${rest}'`)
    .replace(/(?<=\(\s*)(\w+_PATH)(?=\s*,)/g, (name: string) => `'${known(name, name)}'`);
}

/** The paths ('/api/...', '/.well-known/...', '/internal/...') each service's routes register. */
function routePaths(service: string): string[] {
  const dir = join(SERVICES_DIR, service, 'src', 'routes');
  let files: string[];
  try {
    files = readdirSync(dir).filter((file) => file.endsWith('.ts'));
  } catch {
    return []; // a service still being written has no routes yet
  }
  return files.flatMap((file) =>
    [
      ...withPathConstants(readFileSync(join(dir, file), 'utf8')).matchAll(
        /'(\/(?:api|\.well-known|internal)(?:\/[^']*)?)'/g,
      ),
    ].map((match) => (match[1] ?? '').replace(/:(\w+)/g, '{$1}')),
  );
}

describe('route table', () => {
  it.each([
    ['/api/auth/token', 'account'],
    ['/api/account/me', 'account'],
    ['/api/account/users/3', 'account'],
    ['/.well-known/jwks.json', 'account'],
    ['/api/products', 'product'],
    ['/api/products/1/image', 'product'],
    ['/api/categories', 'product'],
    ['/api/cart', 'cart'],
    ['/api/cart/items/2', 'cart'],
    ['/api/orders/4/cancel', 'order'],
    ['/api/admin/orders', 'order'],
    ['/api/admin/emails/5/retry', 'notification'],
    ['/api/admin/analytics/sales', 'analytics'],
    ['/api/admin/analytics/also-bought', 'analytics'],
  ])('when the path is %s, then it goes to %s', (path, service) => {
    expect(routeFor(path)?.service).toBe(service);
  });

  it.each([
    '/api/cartx',
    '/api/cart-items',
    '/api/productsearch',
    '/api/admin',
    '/api/admin/ordersx',
    '/api/admin/analytics-x',
    '/api',
    '/internal/reservations',
    '/internal',
    '/health/live',
    '/metrics',
    '/docs',
    '/openapi.json',
    '/',
  ])('when the path is %s, then nothing routes it', (path) => {
    expect(routeFor(path)).toBeUndefined();
  });

  it('when the table is read, then each prefix is a clean, unique path to a known service, and none is internal', () => {
    const prefixes = ROUTES.map((route) => route.prefix);
    expect(new Set(prefixes).size).toBe(prefixes.length);
    for (const route of ROUTES) {
      expect(route.prefix).toMatch(/^\/[a-z.-]+(\/[a-z-]+)*$/);
      expect(route.prefix).not.toMatch(/^\/(internal|health|metrics|docs|openapi)/);
      expect(SERVICES).toContain(route.service);
    }
    expect(new Set(ROUTES.map((route) => route.service))).toEqual(new Set(SERVICES));
  });

  it.each(SERVICES)(
    'when the %s service registers a public route, then the table sends it to that service',
    (service) => {
      const paths = routePaths(service);
      for (const path of paths.filter((candidate) => !candidate.startsWith('/internal'))) {
        expect(routeFor(path)?.service, `${service} ${path}`).toBe(service);
      }
      for (const path of paths.filter((candidate) => candidate.startsWith('/internal'))) {
        expect(routeFor(path), `${service} ${path}`).toBeUndefined();
      }
    },
  );

  it('when the services’ routes are scanned, then the scan finds the routes it should (the check above is not empty)', () => {
    expect(routePaths('product')).toEqual(
      expect.arrayContaining([
        '/api/products/{id}/image',
        '/internal/reservations',
        '/internal/reservations/{id}/commit',
      ]),
    );
    expect(routePaths('account')).toEqual(
      expect.arrayContaining(['/api/account/users/{id}', '/.well-known/jwks.json']),
    );
  });
});
