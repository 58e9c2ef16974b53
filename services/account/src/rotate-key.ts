/**
 * `npm run rotate-key`: makes a new signing key the active one now.
 * The old public key stays in the JWKS until the tokens it signed have expired, so
 * nobody is signed out. In embedded mode, stop the shop first (PGlite is one process's).
 */
import { join } from 'node:path';
import { openPglite, openPostgres, openSharedPglite } from '@shop/platform';
import { MIGRATIONS_FOLDER } from './app.ts';
import { loadAccountConfig } from './config.ts';
import { PgSigningKeyStore } from './db/signing-key-store.ts';
import { KeyRing } from './keys/key-ring.ts';

const config = loadAccountConfig();
const options = { service: 'account', migrationsFolder: MIGRATIONS_FOLDER };
const shared = config.DATABASE_URL ? undefined : await openSharedPglite(join(config.DATA_DIR, 'pglite'));
const database = shared
  ? await openPglite({ ...options, client: shared.client })
  : await openPostgres({ ...options, url: config.DATABASE_URL });
try {
  const keyRing = new KeyRing(
    new PgSigningKeyStore(database.db),
    {
      algorithm: config.SIGNING_ALG,
      issuer: config.PUBLIC_URL,
      accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL,
      maxKeyAgeDays: config.SIGNING_KEY_MAX_AGE_DAYS,
    },
    { now: () => new Date() },
  );
  const kid = await keyRing.rotate();
  console.log(
    `New signing key ${kid} is active; the previous key stays published for ${config.ACCESS_TOKEN_TTL + 60} s.`,
  );
} finally {
  await database.close();
  await shared?.close();
}
