import { DomainError } from '@shop/platform/errors';
import type { FailureLimiter } from './ports.ts';

/**
 * Failed password checks (logins, and wrong current passwords on a password change),
 * counted per account *and client IP*, and per client IP across accounts. Counting per
 * account alone would let anyone lock anyone out by failing from their own address: a
 * client IP that has not failed for an account is never refused by that account's limit.
 */
export interface LoginLimits {
  perAccountIp: FailureLimiter;
  perIp: FailureLimiter;
}

/** An IP never holds a space, so the first space splits the key unambiguously. */
const accountIpKey = (email: string, ip: string) => `${ip} ${email}`;

/** Throws rate_limited while this IP may not try this account (or any account). */
export async function refuseWhileLimited(limits: LoginLimits, email: string, ip: string): Promise<void> {
  const [account, address] = await Promise.all([
    limits.perAccountIp.retryAfter(accountIpKey(email, ip)),
    limits.perIp.retryAfter(ip),
  ]);
  const wait = Math.max(account ?? 0, address ?? 0);
  if (wait > 0) {
    throw new DomainError('rate_limited', 'Too many failed sign-in attempts. Try again later.', {
      retryAfterSeconds: wait,
    });
  }
}

export async function countFailure(limits: LoginLimits, email: string, ip: string): Promise<void> {
  await Promise.all([limits.perAccountIp.fail(accountIpKey(email, ip)), limits.perIp.fail(ip)]);
}

/** A right password forgets this IP's failures for this account; the IP's own count stays. */
export async function forgetFailures(limits: LoginLimits, email: string, ip: string): Promise<void> {
  await limits.perAccountIp.reset(accountIpKey(email, ip));
}
