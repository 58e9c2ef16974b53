import type { Db } from '@shop/platform';
import { and, eq, isNotNull, isNull, ne } from 'drizzle-orm';
import { signingKeys } from './schema.ts';

/** A signing key row: the private key in the clear or sealed (see keys/key-vault.ts), never both. */
export interface StoredSigningKey {
  kid: string;
  alg: string;
  publicJwk: Record<string, unknown>;
  privateJwk: Record<string, unknown> | null;
  privateJwkEncrypted: string | null;
  createdAt: Date;
  retiredAt: Date | null;
}

export class PgSigningKeyStore {
  constructor(private readonly db: Db) {}

  async list(): Promise<StoredSigningKey[]> {
    return this.db.select().from(signingKeys);
  }

  /** Adds `key` and retires every other live key, in one transaction. */
  async rotateTo(key: StoredSigningKey): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.insert(signingKeys).values(key);
      await tx
        .update(signingKeys)
        .set({ retiredAt: key.createdAt })
        .where(and(isNull(signingKeys.retiredAt), ne(signingKeys.kid, key.kid)));
    });
  }

  /** Replaces a plaintext private key by its sealed form; a key sealed meanwhile is left alone. */
  async seal(kid: string, privateJwkEncrypted: string): Promise<void> {
    await this.db
      .update(signingKeys)
      .set({ privateJwk: null, privateJwkEncrypted })
      .where(and(eq(signingKeys.kid, kid), isNotNull(signingKeys.privateJwk)));
  }
}
