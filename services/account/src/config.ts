import { loadConfig, parseTrustedProxies, serviceConfigFields, trustProxyField } from '@shop/platform';
import { type Static, Type } from 'typebox';
import { decodeKeyEncryptionKey } from './keys/key-encryption.ts';

/**
 * Every setting of the account service. Each key may also be given as ACCOUNT_<KEY>,
 * which wins over <KEY> when several services share one environment.
 */
export const AccountConfigSchema = Type.Object({
  ...serviceConfigFields(8003),
  REDIS_URL: Type.String({
    default: '',
    description:
      'Redis URL (server mode): login and sign-up limits (account), carts (cart), the per-IP rate limit (gateway), shared by replicas. Empty: in memory, carts in the database.',
  }),
  ...trustProxyField,
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
  SIGNING_KEY_ENCRYPTION_KEY: Type.String({
    default: '',
    description:
      '32 bytes, base64 or base64url (`openssl rand -base64 32`): private signing keys are stored encrypted with it, and then needed to start. Empty: kept in the clear.',
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
    description:
      'Failed logins (and wrong current passwords) allowed per account, per client IP, per window before that IP gets 429 for that account; other IPs are unaffected.',
  }),
  LOGIN_MAX_FAILURES_PER_IP: Type.Integer({
    default: 100,
    minimum: 1,
    description: 'Failed logins allowed per client IP per window, across accounts, before 429.',
  }),
  LOGIN_FAILURE_WINDOW: Type.Integer({ default: 900, minimum: 1, description: 'Login failure window in seconds.' }),
  REGISTRATION_MAX_PER_IP: Type.Integer({
    default: 20,
    minimum: 1,
    description: 'Registration attempts allowed per client IP per window before 429 (each costs an argon2 hash).',
  }),
  REGISTRATION_WINDOW: Type.Integer({
    default: 3600,
    minimum: 1,
    description: 'Registration limit window in seconds.',
  }),
  LIMITS_REDIS_PREFIX: Type.String({
    default: '',
    pattern: '^[A-Za-z0-9:._-]*$',
    description:
      'Prefix of the login and sign-up limits’ Redis keys (ratelimit:<prefix>login-ip:…), so several shops or environments can share one Redis without counting each other’s attempts.',
  }),
});

export type AccountConfig = Static<typeof AccountConfigSchema>;

export function loadAccountConfig(env: NodeJS.ProcessEnv = process.env): AccountConfig {
  const config = loadConfig(AccountConfigSchema, { env, service: 'account' });
  decodeKeyEncryptionKey(config.SIGNING_KEY_ENCRYPTION_KEY); // a malformed key fails here, at start
  parseTrustedProxies(config.TRUST_PROXY, 'ACCOUNT_TRUST_PROXY'); // so does an unsafe proxy setting
  return config;
}
