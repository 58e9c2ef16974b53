import type { AccessTokenSigner } from '../../src/domain/ports.ts';

export interface SignedToken {
  token: string;
  claims: Record<string, unknown>;
  subject: string;
  ttlSeconds: number;
  /** The `iat` asked for; undefined: now. */
  issuedAt?: number;
}

/** Signs nothing: returns a numbered stand-in token and remembers what it was asked to sign. */
export class RecordingSigner implements AccessTokenSigner {
  readonly signed: SignedToken[] = [];

  async sign(claims: Record<string, unknown>, subject: string, ttlSeconds: number, issuedAt?: number): Promise<string> {
    const token = `access-token-${this.signed.length + 1}`;
    this.signed.push({ token, claims: { ...claims }, subject, ttlSeconds, issuedAt });
    return token;
  }

  /** What was signed into `token`. */
  claimsOf(token: string): SignedToken {
    const found = this.signed.find((entry) => entry.token === token);
    if (!found) throw new Error(`${token} was not signed by this signer`);
    return found;
  }
}
