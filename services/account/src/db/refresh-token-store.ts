import type { Db } from '@shop/platform';
import { and, eq, isNull } from 'drizzle-orm';
import type { NewRefreshToken, RefreshToken, RefreshTokenStore } from '../domain/ports.ts';
import { refreshTokens } from './schema.ts';

export class PgRefreshTokenStore implements RefreshTokenStore {
  constructor(private readonly db: Db) {}

  async insert(token: NewRefreshToken): Promise<void> {
    await this.db.insert(refreshTokens).values(token);
  }

  async findByHash(tokenHash: string): Promise<RefreshToken | null> {
    const [row] = await this.db
      .select({
        id: refreshTokens.id,
        userId: refreshTokens.userId,
        familyId: refreshTokens.familyId,
        scope: refreshTokens.scope,
        expiresAt: refreshTokens.expiresAt,
        rotatedAt: refreshTokens.rotatedAt,
        revokedAt: refreshTokens.revokedAt,
      })
      .from(refreshTokens)
      .where(eq(refreshTokens.tokenHash, tokenHash));
    return row ?? null;
  }

  async rotate(oldId: string, next: NewRefreshToken, at: Date): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      // The conditional update is the race guard: of two requests with the same token,
      // exactly one sees a live row.
      const claimed = await tx
        .update(refreshTokens)
        .set({ rotatedAt: at })
        .where(and(eq(refreshTokens.id, oldId), isNull(refreshTokens.rotatedAt), isNull(refreshTokens.revokedAt)))
        .returning({ id: refreshTokens.id });
      if (claimed.length === 0) return false;
      await tx.insert(refreshTokens).values(next);
      return true;
    });
  }

  async revokeFamily(familyId: string, at: Date): Promise<void> {
    await this.db
      .update(refreshTokens)
      .set({ revokedAt: at })
      .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
  }

  async revokeAllOfUser(userId: number, at: Date): Promise<void> {
    await this.db
      .update(refreshTokens)
      .set({ revokedAt: at })
      .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)));
  }
}
