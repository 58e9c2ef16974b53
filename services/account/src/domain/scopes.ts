/** The roles a user can have. */
export const ROLES = ['customer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const CUSTOMER_SCOPES = ['product:read', 'cart:write', 'order:read', 'order:create'] as const;
const ADMIN_SCOPES = [
  ...CUSTOMER_SCOPES,
  'product:write',
  'inventory:write',
  'order:read-all',
  'order:write',
  'user:read',
  'user:write',
  'analytics:read',
] as const;

/** Role → scopes (README "Conventions"). `inventory:reserve` belongs to no role: only the order service's client has it. */
export const ROLE_SCOPES: Readonly<Record<Role, readonly string[]>> = {
  customer: CUSTOMER_SCOPES,
  admin: ADMIN_SCOPES,
};

/**
 * The scopes to put in a token: everything `allowed`, or, when the client asked for
 * some, just those. Returns the scopes that were asked for but are not allowed, so the
 * caller can refuse with `invalid_scope`.
 */
export function narrowScopes(
  allowed: readonly string[],
  requested: string | undefined,
): { scopes: string[]; refused: string[] } {
  const asked = (requested ?? '').split(' ').filter(Boolean);
  if (asked.length === 0) return { scopes: [...allowed], refused: [] };
  const unique = [...new Set(asked)];
  return {
    scopes: unique.filter((scope) => allowed.includes(scope)),
    refused: unique.filter((scope) => !allowed.includes(scope)),
  };
}
