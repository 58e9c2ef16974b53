import type { NewRefreshToken, RefreshToken, RefreshTokenStore } from '../../src/domain/ports.ts';

interface StoredToken extends RefreshToken {
  tokenHash: string;
}

/**
 * RefreshTokenStore in memory. rotate() checks and changes the old token without
 * awaiting in between, so like the PostgreSQL adapter's conditional update exactly one
 * of two concurrent rotations of the same token wins.
 */
export class InMemoryRefreshTokenStore implements RefreshTokenStore {
  private readonly tokens = new Map<string, StoredToken>();

  async insert(token: NewRefreshToken): Promise<void> {
    this.add(token);
  }

  async findByHash(tokenHash: string): Promise<RefreshToken | null> {
    const token = [...this.tokens.values()].find((candidate) => candidate.tokenHash === tokenHash);
    if (!token) return null;
    const { tokenHash: _hash, ...rest } = token;
    return { ...rest };
  }

  async rotate(oldId: string, next: NewRefreshToken, at: Date): Promise<boolean> {
    const old = this.tokens.get(oldId);
    if (!old || old.rotatedAt !== null || old.revokedAt !== null) return false;
    old.rotatedAt = at;
    this.add(next);
    return true;
  }

  async revokeFamily(familyId: string, at: Date): Promise<void> {
    for (const token of this.tokens.values()) {
      if (token.familyId === familyId && token.revokedAt === null) token.revokedAt = at;
    }
  }

  async revokeAllOfUser(userId: number, at: Date): Promise<void> {
    for (const token of this.tokens.values()) {
      if (token.userId === userId && token.revokedAt === null) token.revokedAt = at;
    }
  }

  /** Test inspection: every token of a user, live or not. */
  all(): RefreshToken[] {
    return [...this.tokens.values()].map(({ tokenHash: _hash, ...rest }) => ({ ...rest }));
  }

  private add(token: NewRefreshToken): void {
    if (this.tokens.has(token.id)) throw new Error(`duplicate refresh token id ${token.id}`);
    if ([...this.tokens.values()].some((existing) => existing.tokenHash === token.tokenHash)) {
      throw new Error('duplicate refresh token hash');
    }
    this.tokens.set(token.id, { ...token, rotatedAt: null, revokedAt: null });
  }
}
