/**
 * What the gateway routes, as data: each public path prefix and the service behind it.
 * A prefix matches whole path segments (`/api/cart` takes `/api/cart` and `/api/cart/...`,
 * never `/api/cartx`). Anything not listed, `/internal/*` above all, is answered 404 by
 * the gateway itself and never reaches a service.
 */
export const SERVICES = ['account', 'product', 'cart', 'order', 'notification', 'analytics'] as const;

export type ServiceName = (typeof SERVICES)[number];

export interface Route {
  prefix: string;
  service: ServiceName;
}

export const ROUTES: ReadonlyArray<Route> = [
  // account: sign-up, tokens, profile, user admin (GET/PATCH /api/account/users...), OAuth metadata, JWKS
  { prefix: '/api/auth', service: 'account' },
  { prefix: '/api/account', service: 'account' },
  { prefix: '/.well-known', service: 'account' },
  // product: catalog, images, stock
  { prefix: '/api/products', service: 'product' },
  { prefix: '/api/categories', service: 'product' },
  { prefix: '/api/cart', service: 'cart' },
  { prefix: '/api/orders', service: 'order' },
  { prefix: '/api/admin/orders', service: 'order' },
  { prefix: '/api/admin/emails', service: 'notification' },
  { prefix: '/api/admin/analytics', service: 'analytics' },
];

/** The route a request path (no query string) goes to, or undefined when the gateway does not route it. */
export function routeFor(path: string): Route | undefined {
  return ROUTES.find((route) => path === route.prefix || path.startsWith(`${route.prefix}/`));
}
