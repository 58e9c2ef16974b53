import { describe, expect, it } from 'vitest';
import {
  CallerRefused,
  callerRefusal,
  checkCaller,
  issuedAtFor,
  notBeforeText,
  revocationAt,
  revocationHorizon,
} from '../../src/domain/sessions.ts';
import type { User } from '../../src/domain/user.ts';

const user = (overrides: Partial<User> = {}): User => ({
  id: 7,
  email: 'ada@example.com',
  name: 'Ada',
  role: 'admin',
  isActive: true,
  passwordHash: 'hashed:x',
  createdAt: new Date('2026-01-01T00:00:00Z'),
  updatedAt: new Date('2026-01-01T00:00:00Z'),
  tokensValidAfter: null,
  ...overrides,
});
const seconds = (iso: string) => Date.parse(iso) / 1000;

describe('session rules', () => {
  it.each([
    ['2026-01-15T10:00:00.000Z', '2026-01-15T10:00:01.000Z'],
    ['2026-01-15T10:00:00.999Z', '2026-01-15T10:00:01.000Z'],
  ])('when a revocation happens at %s, then tokens issued before %s are refused', (now, notBefore) => {
    const revocation = revocationAt(new Date(now), 'deactivated');
    expect(revocation).toEqual({ notBefore: new Date(notBefore), reason: 'deactivated', at: new Date(now) });
  });

  it('when a user was revoked in this second, then a new token is issued at the revocation, later at now', () => {
    const revoked = user({ tokensValidAfter: new Date('2026-01-15T10:00:01Z') });
    expect(issuedAtFor(revoked, new Date('2026-01-15T10:00:00.400Z'))).toBe(seconds('2026-01-15T10:00:01Z'));
    expect(issuedAtFor(revoked, new Date('2026-01-15T10:00:07.400Z'))).toBe(seconds('2026-01-15T10:00:07Z'));
    expect(issuedAtFor(user(), new Date('2026-01-15T10:00:07.400Z'))).toBe(seconds('2026-01-15T10:00:07Z'));
  });

  it('when not_before is written, then it is RFC 3339 in whole seconds', () => {
    expect(notBeforeText(new Date('2026-01-15T10:00:01.000Z'))).toBe('2026-01-15T10:00:01Z');
  });

  it('when the horizon is asked for, then it is the token lifetime plus 60 s ago', () => {
    expect(revocationHorizon(new Date('2026-01-15T10:16:00Z'), 900)).toEqual(new Date('2026-01-15T10:00:00Z'));
  });

  describe('the caller', () => {
    const iat = seconds('2026-01-15T10:00:01Z');

    it.each([
      ['no row', null, 'admin', 'unknown_user'],
      ['a deactivated user', user({ isActive: false }), 'user', 'inactive'],
      [
        'a token issued before the revocation',
        user({ tokensValidAfter: new Date('2026-01-15T10:00:02Z') }),
        'user',
        'revoked',
      ],
      ['a customer on an admin route', user({ role: 'customer' }), 'admin', 'not_admin'],
    ] as const)('when it is %s, then it is refused as %s', (_label, row, need, refusal) => {
      expect(callerRefusal(row, iat, need)).toBe(refusal);
      const error = (() => {
        try {
          checkCaller(row, iat, need);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(CallerRefused);
      expect((error as CallerRefused).code).toBe(refusal === 'not_admin' ? 'forbidden' : 'unauthenticated');
    });

    it.each([
      ['an admin on an admin route', user(), 'admin'],
      ['a customer on /me', user({ role: 'customer' }), 'user'],
      [
        'a token issued in the revocation second',
        user({ tokensValidAfter: new Date('2026-01-15T10:00:01Z') }),
        'admin',
      ],
    ] as const)('when it is %s, then it may act', (_label, row, need) => {
      expect(callerRefusal(row, iat, need)).toBeNull();
      expect(checkCaller(row, iat, need)).toBe(row);
    });
  });
});
