import { randomUUID } from 'node:crypto';
import type { Db } from '@shop/platform';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { IdempotencyStore, KeyClaim } from '../domain/ports.ts';
import { idempotencyKeys } from './schema.ts';

export class PgIdempotencyStore implements IdempotencyStore {
  constructor(private readonly db: Db) {}

  async claim(userId: number, key: string, requestHash: string, leaseMs: number): Promise<KeyClaim> {
    const attemptId = randomUUID();
    const lockedUntil = sql`now() + ${`${leaseMs} milliseconds`}::interval`;
    // A new key, the common case, in one statement. Concurrent claims of one key queue on
    // its primary key: exactly one inserts.
    const inserted = await this.db
      .insert(idempotencyKeys)
      .values({ userId, key, requestHash, attemptId, lockedUntil })
      .onConflictDoNothing()
      .returning({ attemptId: idempotencyKeys.attemptId });
    if (inserted.length > 0) return { kind: 'claimed', attemptId };

    // A key seen before: what became of it, read and maybe taken over under its row lock.
    return this.db.transaction(async (tx) => {
      const [row] = await tx
        .select({
          requestHash: idempotencyKeys.requestHash,
          orderId: idempotencyKeys.orderId,
          stale: sql<boolean>`${idempotencyKeys.lockedUntil} < now()`,
        })
        .from(idempotencyKeys)
        .where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key)))
        .for('update');
      if (!row) return { kind: 'busy', requestHash } as const; // freed a moment ago: the caller tries again
      if (row.orderId !== null) return { kind: 'done', requestHash: row.requestHash, orderId: row.orderId } as const;
      if (!row.stale || row.requestHash !== requestHash) return { kind: 'busy', requestHash: row.requestHash } as const;
      // The attempt holding the key died: this one takes over.
      await tx
        .update(idempotencyKeys)
        .set({ attemptId, lockedUntil })
        .where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key)));
      return { kind: 'claimed', attemptId } as const;
    });
  }

  async free(userId: number, key: string, attemptId: string): Promise<void> {
    await this.db
      .delete(idempotencyKeys)
      .where(
        and(
          eq(idempotencyKeys.userId, userId),
          eq(idempotencyKeys.key, key),
          eq(idempotencyKeys.attemptId, attemptId),
          isNull(idempotencyKeys.orderId),
        ),
      );
  }
}
