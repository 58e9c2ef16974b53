/**
 * `npm run rotate-key`: makes a new signing key the active one now.
 * The old public key stays in the JWKS until the tokens it signed have expired, so
 * nobody is signed out. With SIGNING_KEY_ENCRYPTION_KEY set, keys still in the clear are
 * sealed first and the new key is stored sealed; keys stored sealed need that key. In
 * embedded mode, stop the shop first (PGlite is one process's).
 */
import { pathToFileURL } from 'node:url';
import { openServiceDatabase } from '@shop/platform';
import { MIGRATIONS_FOLDER } from './app.ts';
import { type AccountConfig, loadAccountConfig } from './config.ts';
import { configuredKeyRing } from './keys/open-key-ring.ts';

/** Rotates the signing key of the configured database; returns the new key's id. */
export async function rotateSigningKey(config: AccountConfig): Promise<string> {
  const storage = await openServiceDatabase({
    service: 'account',
    migrationsFolder: MIGRATIONS_FOLDER,
    databaseUrl: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
  });
  try {
    const { keyRing, vault } = configuredKeyRing(storage.database.db, config, { now: () => new Date() });
    await vault.prepare();
    return await keyRing.rotate();
  } finally {
    await storage.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const config = loadAccountConfig();
  rotateSigningKey(config).then(
    (kid) =>
      console.log(
        `New signing key ${kid} is active; the previous key stays published for ${config.ACCESS_TOKEN_TTL + 60} s.`,
      ),
    (error: Error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}
