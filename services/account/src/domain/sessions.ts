import type { UserSessionsRevoked } from '@shop/contracts';
import { DomainError } from '@shop/platform/errors';
import type { User } from './user.ts';

/** Why a user's earlier access tokens stopped counting. */
export type RevocationReason = UserSessionsRevoked['reason'];

/** A change that ends every session of a user: tokens issued before `notBefore` are refused. */
export interface SessionRevocation {
  /** A whole second: access tokens compare their `iat` (whole seconds) with it. */
  notBefore: Date;
  reason: RevocationReason;
  /** When it happened: the refresh tokens' revocation time. */
  at: Date;
}

/**
 * A revocation happening at `now`. `not_before` is the next whole second, so a token
 * issued earlier in the same second (same `iat`) is refused too; tokens issued after the
 * change get that second as their `iat` (see issuedAtFor).
 */
export function revocationAt(now: Date, reason: RevocationReason): SessionRevocation {
  return { notBefore: new Date((Math.floor(now.getTime() / 1000) + 1) * 1000), reason, at: now };
}

/** The `iat` for a new access token of `user`: now, but never before the user's last revocation. */
export function issuedAtFor(user: Pick<User, 'tokensValidAfter'>, now: Date): number {
  const seconds = Math.floor(now.getTime() / 1000);
  return user.tokensValidAfter ? Math.max(seconds, wholeSeconds(user.tokensValidAfter)) : seconds;
}

/** The event's `not_before`: RFC 3339 in whole seconds. */
export function notBeforeText(notBefore: Date): string {
  return new Date(wholeSeconds(notBefore) * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * Revocations a verifier must still know: those an unexpired token could predate, i.e.
 * newer than the access token lifetime plus the clock skew verifiers allow.
 */
export function revocationHorizon(now: Date, accessTokenTtlSeconds: number, skewSeconds = 60): Date {
  return new Date(now.getTime() - (accessTokenTtlSeconds + skewSeconds) * 1000);
}

/** Who is calling with a user's access token: the `sub` and the token's `iat`. */
export interface Caller {
  userId: number;
  /** The token's `iat`, in seconds. */
  issuedAt: number;
}

export type CallerNeed = 'user' | 'admin';
export type CallerRefusal = 'unknown_user' | 'inactive' | 'revoked' | 'not_admin';

/**
 * Whether the caller's current row lets the token act: the user exists and is active, the
 * token was issued at or after the user's last revocation, and for `admin` the user is an
 * admin now, whatever the token says. Null when it may.
 */
export function callerRefusal(user: User | null, issuedAt: number, need: CallerNeed): CallerRefusal | null {
  if (!user) return 'unknown_user';
  if (!user.isActive) return 'inactive';
  if (user.tokensValidAfter && issuedAt < wholeSeconds(user.tokensValidAfter)) return 'revoked';
  if (need === 'admin' && user.role !== 'admin') return 'not_admin';
  return null;
}

const REFUSAL_DETAIL: Record<CallerRefusal, string> = {
  unknown_user: 'The access token names no account: sign in again.',
  inactive: 'This account is deactivated.',
  revoked: 'The access token was revoked: sign in again.',
  not_admin: 'This needs an admin, and this account is not one (any more).',
};

/** The caller may not act: 401 (the token no longer counts) or 403 (not an admin now). */
export class CallerRefused extends DomainError {
  constructor(readonly reason: CallerRefusal) {
    super(reason === 'not_admin' ? 'forbidden' : 'unauthenticated', REFUSAL_DETAIL[reason]);
  }
}

/** Throws CallerRefused unless the caller's current row lets the token act; returns the row. */
export function checkCaller(user: User | null, issuedAt: number, need: CallerNeed): User {
  const refusal = callerRefusal(user, issuedAt, need);
  if (refusal !== null || !user) throw new CallerRefused(refusal ?? 'unknown_user');
  return user;
}

function wholeSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
