import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  acceptFormBodies,
  type Bus,
  createAttemptLimiter,
  createAuth,
  createHttpApp,
  createRequestLimiter,
  createTokenVerifier,
  type Database,
  type HttpApp,
  type Logger,
  OutboxRelay,
  parseTrustedProxies,
  registerOutboxMetrics,
} from '@shop/platform';
import type { Redis } from 'ioredis';
import type { AccountConfig } from './config.ts';
import type { AccountContext } from './context.ts';
import { PgRefreshTokenStore } from './db/refresh-token-store.ts';
import { outbox } from './db/schema.ts';
import { PgUserStore } from './db/user-store.ts';
import { ensureAdmin } from './domain/bootstrap-admin.ts';
import { parseClientRegistrations } from './domain/client-credentials.ts';
import type { LoginLimits } from './domain/login-limits.ts';
import type { Clock } from './domain/ports.ts';
import type { User } from './domain/user.ts';
import { Argon2Hasher } from './keys/argon2-hasher.ts';
import type { KeyRing } from './keys/key-ring.ts';
import { configuredKeyRing } from './keys/open-key-ring.ts';
import { authRoutes } from './routes/auth.ts';
import { requireCaller } from './routes/caller.ts';
import { internalRoutes } from './routes/internal.ts';
import { meRoutes } from './routes/me.ts';
import { registerRoutes } from './routes/register.ts';
import { userRoutes } from './routes/users.ts';
import { wellKnownRoutes } from './routes/well-known.ts';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('./db/migrations', import.meta.url));

export interface AccountDeps {
  config: AccountConfig;
  database: Database;
  logger: Logger;
  /** Server mode: login failure and registration counters shared through Redis. */
  redis?: Redis;
  clock?: Clock;
  /** Where the outbox relay publishes `account.*` events; none: events wait in the outbox. */
  bus?: Bus;
  /** The admin to create on first start; none when absent. */
  admin?: { email: string; password: string };
}

export interface AccountService {
  app: HttpApp;
  keyRing: KeyRing;
  /** The admin created by this start, if it created one. */
  createdAdmin: User | null;
  relay: OutboxRelay | undefined;
}

const systemClock: Clock = { now: () => new Date() };

/** Builds the account service from its dependencies. No environment, no listening: tests call this. */
export async function buildAccountApp(deps: AccountDeps): Promise<AccountService> {
  const { config, database, logger } = deps;
  const clock = deps.clock ?? systemClock;
  const db = database.db;
  const users = new PgUserStore(db);
  const refreshTokens = new PgRefreshTokenStore(db);
  const hasher = new Argon2Hasher({
    memoryCostKib: config.ARGON2_MEMORY_KIB,
    timeCost: config.ARGON2_TIME_COST,
    parallelism: config.ARGON2_PARALLELISM,
  });
  const { keyRing, vault } = configuredKeyRing(db, config, clock);
  await vault.prepare();
  if (!vault.encrypts && database.kind === 'postgres') {
    logger.warn(
      'SIGNING_KEY_ENCRYPTION_KEY is not set: the private signing keys are stored unencrypted in account.signing_keys',
    );
  }
  await keyRing.load();

  const settings = { accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL, refreshTokenTtlSeconds: config.REFRESH_TOKEN_TTL };
  const tokenDeps = { signer: keyRing, refreshTokens, clock, settings };
  const window = config.LOGIN_FAILURE_WINDOW;
  const limits: LoginLimits = {
    perAccountIp: createAttemptLimiter({
      name: `${config.LIMITS_REDIS_PREFIX}login-account-ip`,
      attempts: config.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      windowSeconds: window,
      redis: deps.redis,
    }),
    perIp: createAttemptLimiter({
      name: `${config.LIMITS_REDIS_PREFIX}login-ip`,
      attempts: config.LOGIN_MAX_FAILURES_PER_IP,
      windowSeconds: window,
      redis: deps.redis,
    }),
  };
  let decoy: Promise<string> | undefined;
  const ctx: AccountContext = {
    passwordGrant: {
      ...tokenDeps,
      users,
      hasher,
      limits,
      decoyHash: () => {
        decoy ??= hasher.hash(randomBytes(24).toString('base64'));
        return decoy;
      },
    },
    refreshGrant: {
      ...tokenDeps,
      users,
      onReuse: (details) => logger.warn({ ...details }, 'refresh token reused: family revoked'),
    },
    clientCredentials: {
      clients: parseClientRegistrations(config.OAUTH_CLIENTS),
      signer: keyRing,
      accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL,
    },
    manageUsers: { users, hasher, clock, limits },
    register: {
      users,
      hasher,
      registrations: createRequestLimiter({
        name: `${config.LIMITS_REDIS_PREFIX}registration`,
        requests: config.REGISTRATION_MAX_PER_IP,
        windowSeconds: config.REGISTRATION_WINDOW,
        redis: deps.redis,
      }),
    },
    revocations: { users, clock, accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL },
    keyRing,
    auth: createAuth(createTokenVerifier(keyRing.getKey, config.PUBLIC_URL.replace(/\/+$/, ''))),
    publicUrl: config.PUBLIC_URL,
    logger,
  };

  const createdAdmin = deps.admin ? (await ensureAdmin(deps.admin, { users, hasher })).user : null;

  const app = await createHttpApp({
    name: 'account',
    description: 'Identity: users, the OAuth 2.0 token endpoint, signing keys and JWKS.',
    logger,
    publicUrl: config.PUBLIC_URL,
    trustProxy: parseTrustedProxies(config.TRUST_PROXY),
    requestTimeoutMs: config.REQUEST_TIMEOUT_MS,
    readiness: [{ name: 'database', check: database.ping }],
  });
  const relay = deps.bus
    ? new OutboxRelay({
        db,
        table: outbox,
        bus: deps.bus,
        leadership: database.leadership('outbox'),
        listen: database.listen,
        logger,
      })
    : undefined;
  registerOutboxMetrics(app.metrics, database.db, outbox);
  app.addHook('onClose', async () => relay?.stop());
  registerRoutes(app, ctx);
  await app.register(async (scope) => {
    await acceptFormBodies(scope as HttpApp);
    authRoutes(scope as HttpApp, ctx);
  });
  wellKnownRoutes(app, ctx);
  internalRoutes(app, ctx);
  // Each acts as its caller's current row allows, checked once per request (routes/caller.ts).
  await app.register(async (scope) => {
    scope.addHook('onRequest', requireCaller(ctx, 'user'));
    meRoutes(scope as HttpApp, ctx);
  });
  await app.register(async (scope) => {
    scope.addHook('onRequest', requireCaller(ctx, 'admin'));
    userRoutes(scope as HttpApp, ctx);
  });
  await app.ready();
  return { app, keyRing, createdAdmin, relay };
}
