import { loadConfig, serviceConfigFields } from '@shop/platform';
import { type Static, Type } from 'typebox';

/**
 * Every setting of the account service. Each key may also be given as ACCOUNT_<KEY>,
 * which wins over <KEY> when several services share one environment.
 */
export const AccountConfigSchema = Type.Object({
  ...serviceConfigFields(8003),
  REDIS_URL: Type.String({
    default: '',
    description:
      'Redis URL (server mode): login limits (account), carts (cart) and the per-IP rate limit (gateway), shared by every replica. Empty: in memory, carts in the database.',
  }),
  TRUST_PROXY: Type.Boolean({
    default: false,
    description: 'Take the client IP from X-Forwarded-For (set when behind the gateway or a load balancer).',
  }),
  ADMIN_EMAIL: Type.String({
    default: 'admin@example.com',
    description: 'E-mail of the admin created on first start.',
  }),
  ADMIN_PASSWORD: Type.String({
    default: '',
    description:
      'Password of the admin created on first start. Embedded mode defaults to admin12345; server mode creates no admin without it.',
  }),
  ACCESS_TOKEN_TTL: Type.Integer({ default: 900, minimum: 60, description: 'Access token lifetime in seconds.' }),
  REFRESH_TOKEN_TTL: Type.Integer({
    default: 2_592_000,
    minimum: 300,
    description: 'Refresh token lifetime in seconds (each rotation starts a new one).',
  }),
  SIGNING_ALG: Type.Union([Type.Literal('EdDSA'), Type.Literal('ES256')], {
    default: 'EdDSA',
    description: 'Access token signature algorithm: EdDSA (Ed25519) or ES256.',
  }),
  SIGNING_KEY_MAX_AGE_DAYS: Type.Integer({
    default: 30,
    minimum: 0,
    description: 'Rotate the signing key at start when it is older than this (0: never).',
  }),
  OAUTH_CLIENTS: Type.String({
    default: '',
    description:
      'Service clients for client_credentials, comma-separated id:secret:scopes (e.g. order:SECRET:inventory:reserve).',
  }),
  ARGON2_MEMORY_KIB: Type.Integer({ default: 19_456, minimum: 1024, description: 'argon2id memory cost in KiB.' }),
  ARGON2_TIME_COST: Type.Integer({ default: 2, minimum: 1, description: 'argon2id iterations.' }),
  ARGON2_PARALLELISM: Type.Integer({ default: 1, minimum: 1, description: 'argon2id lanes.' }),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: Type.Integer({
    default: 10,
    minimum: 1,
    description: 'Failed logins allowed per account per window before 429.',
  }),
  LOGIN_MAX_FAILURES_PER_IP: Type.Integer({
    default: 100,
    minimum: 1,
    description: 'Failed logins allowed per client IP per window before 429.',
  }),
  LOGIN_FAILURE_WINDOW: Type.Integer({ default: 900, minimum: 1, description: 'Login failure window in seconds.' }),
});

export type AccountConfig = Static<typeof AccountConfigSchema>;

export function loadAccountConfig(env: NodeJS.ProcessEnv = process.env): AccountConfig {
  return loadConfig(AccountConfigSchema, { env, service: 'account' });
}
