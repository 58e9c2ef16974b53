import type { Db } from '@shop/platform';
import type { AccountConfig } from '../config.ts';
import { PgSigningKeyStore } from '../db/signing-key-store.ts';
import type { Clock } from '../domain/ports.ts';
import { decodeKeyEncryptionKey } from './key-encryption.ts';
import { KeyRing } from './key-ring.ts';
import { SigningKeyVault } from './key-vault.ts';

/**
 * The key ring as configured, for the service and for `npm run rotate-key` alike: its
 * keys sealed under SIGNING_KEY_ENCRYPTION_KEY when set. prepare() the vault first.
 */
export function configuredKeyRing(
  db: Db,
  config: AccountConfig,
  clock: Clock,
): { keyRing: KeyRing; vault: SigningKeyVault } {
  const vault = new SigningKeyVault(
    new PgSigningKeyStore(db),
    decodeKeyEncryptionKey(config.SIGNING_KEY_ENCRYPTION_KEY),
  );
  const keyRing = new KeyRing(
    vault,
    {
      algorithm: config.SIGNING_ALG,
      issuer: config.PUBLIC_URL.replace(/\/+$/, ''),
      accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL,
      maxKeyAgeDays: config.SIGNING_KEY_MAX_AGE_DAYS,
    },
    clock,
  );
  return { keyRing, vault };
}
