import type { Db } from '@shop/platform';
import { and, isNull, ne } from 'drizzle-orm';
import type { SigningKeyRecord } from '../domain/signing-keys.ts';
import { signingKeys } from './schema.ts';

export class PgSigningKeyStore {
  constructor(private readonly db: Db) {}

  async list(): Promise<SigningKeyRecord[]> {
    return this.db.select().from(signingKeys);
  }

  /** Adds `key` and retires every other live key, in one transaction. */
  async rotateTo(key: SigningKeyRecord): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.insert(signingKeys).values(key);
      await tx
        .update(signingKeys)
        .set({ retiredAt: key.createdAt })
        .where(and(isNull(signingKeys.retiredAt), ne(signingKeys.kid, key.kid)));
    });
  }
}
