/**
 * Users whose access tokens issued before a time are refused: a deactivation, a role
 * change or a password change in the account service. Kept in memory by each process's
 * token guard, filled from the account service's list at start and by its events after.
 * Service tokens (client_credentials) are never refused here: they name a client, not a user.
 */
export class RevocationList {
  /** User id (the token's `sub`) → not-before, in whole seconds since the epoch. */
  private readonly notBefore = new Map<string, number>();

  /** Tokens of `userId` issued before `notBefore` are refused from now on. A later time wins. */
  revoke(userId: number | string, notBefore: Date): void {
    const key = String(userId);
    const seconds = Math.floor(notBefore.getTime() / 1000);
    if (!Number.isFinite(seconds)) return;
    if (seconds > (this.notBefore.get(key) ?? Number.NEGATIVE_INFINITY)) this.notBefore.set(key, seconds);
  }

  /** `subject`, `issuedAt` and `clientId` of a verified token (a Principal). */
  refuses(principal: { subject: string; issuedAt: number; clientId: string | undefined }): boolean {
    if (principal.clientId !== undefined) return false;
    const notBefore = this.notBefore.get(principal.subject);
    return notBefore !== undefined && principal.issuedAt < notBefore;
  }

  /**
   * Takes the account service's current list: `entries`, plus those of this list newer than
   * `keepAfter` (which may have arrived while the list was read). What the account service
   * no longer lists, no unexpired token can predate: it is forgotten.
   */
  replaceWith(entries: ReadonlyArray<{ userId: number | string; notBefore: Date }>, keepAfter: Date): void {
    const kept = [...this.notBefore].filter(([, notBefore]) => notBefore * 1000 > keepAfter.getTime());
    this.notBefore.clear();
    for (const [key, notBefore] of kept) this.notBefore.set(key, notBefore);
    for (const entry of entries) this.revoke(entry.userId, entry.notBefore);
  }

  get size(): number {
    return this.notBefore.size;
  }
}
