import { randomUUID } from 'node:crypto';
import type { Db } from '@shop/platform';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { IdempotencyStore, KeyClaim } from '../domain/ports.ts';
import { idempotencyKeys } from './schema.ts';

export class PgIdempotencyStore implements IdempotencyStore {
  /**
   * A new key, the common case, in one statement, built once. Concurrent claims of one key
   * queue on its primary key: exactly one inserts.
   */
  private readonly claimNew;

  constructor(private readonly db: Db) {
    const p = sql.placeholder;
    this.claimNew = db
      .insert(idempotencyKeys)
      .values({
        userId: p('userId'),
        key: p('key'),
        requestHash: p('requestHash'),
        attemptId: p('attemptId'),
        lockedUntil: sql`now() + ${p('lease')}::interval`,
      })
      .onConflictDoNothing()
      .returning({ attemptId: idempotencyKeys.attemptId })
      .prepare('order_claim_key');
  }

  async claim(userId: number, key: string, requestHash: string, leaseMs: number): Promise<KeyClaim> {
    const attemptId = randomUUID();
    const lease = `${leaseMs} milliseconds`;
    const inserted = await this.claimNew.execute({ userId, key, requestHash, attemptId, lease });
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
        .set({ attemptId, lockedUntil: sql`now() + ${lease}::interval` })
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
