import { DomainError } from '@shop/platform/errors';
import { describe, expect, it } from 'vitest';
import { checkPassword, normalizeEmail, normalizeName, toView } from '../../src/domain/user.ts';

const EMAIL = 'ada@example.com';

function refusal(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError, but nothing was thrown');
}

describe('checkPassword', () => {
  it('when the password has 7 characters, then it is refused as too short', () => {
    const error = refusal(() => checkPassword('a'.repeat(7), EMAIL));
    expect(error.code).toBe('rule_violation');
    expect(error.errors).toEqual([{ field: 'password', message: 'must be 8 to 128 characters' }]);
  });

  it('when the password has 8 characters, then it is accepted', () => {
    expect(() => checkPassword('a'.repeat(8), EMAIL)).not.toThrow();
  });

  it('when the password has 128 characters, then it is accepted', () => {
    expect(() => checkPassword('b'.repeat(128), EMAIL)).not.toThrow();
  });

  it('when the password has 129 characters, then it is refused as too long', () => {
    const error = refusal(() => checkPassword('b'.repeat(129), EMAIL));
    expect(error.code).toBe('rule_violation');
    expect(error.errors).toEqual([{ field: 'password', message: 'must be 8 to 128 characters' }]);
  });

  it('when the password is 8 emoji (16 UTF-16 units), then it counts as 8 characters and is accepted', () => {
    const emoji = '🔑'.repeat(8);
    expect(emoji.length).toBe(16);
    expect(() => checkPassword(emoji, EMAIL)).not.toThrow();
  });

  it('when the password is 7 emoji (14 UTF-16 units), then it counts as 7 characters and is refused', () => {
    expect(refusal(() => checkPassword('🔑'.repeat(7), EMAIL)).code).toBe('rule_violation');
  });

  it('when the password is 65 emoji (130 UTF-16 units), then it counts as 65 characters and is accepted', () => {
    expect(() => checkPassword('🔑'.repeat(65), EMAIL)).not.toThrow();
  });

  it('when the password is only spaces, then it is refused', () => {
    const error = refusal(() => checkPassword(' '.repeat(12), EMAIL));
    expect(error.code).toBe('rule_violation');
    expect(error.errors).toContainEqual({ field: 'password', message: 'must not be only spaces' });
  });

  it('when the password is the e-mail address in another case, then it is refused', () => {
    const error = refusal(() => checkPassword('Ada@Example.COM', EMAIL));
    expect(error.code).toBe('rule_violation');
    expect(error.errors).toEqual([{ field: 'password', message: 'must not be the e-mail address' }]);
  });

  it('when the password merely contains the e-mail address, then it is accepted', () => {
    expect(() => checkPassword(`${EMAIL}!x`, EMAIL)).not.toThrow();
  });

  it('when the password breaks two rules, then both are reported', () => {
    const error = refusal(() => checkPassword('   ', EMAIL));
    expect(error.errors).toHaveLength(2);
  });
});

describe('normalizeEmail', () => {
  it('when an e-mail has capitals and surrounding spaces, then it is trimmed and lower-cased', () => {
    expect(normalizeEmail('  Ada.Lovelace@Example.COM ')).toBe('ada.lovelace@example.com');
  });
});

describe('normalizeName', () => {
  it('when a name has surrounding spaces, then they are trimmed', () => {
    expect(normalizeName('  Ada Lovelace \t')).toBe('Ada Lovelace');
  });

  it('when a name is decomposed Unicode, then it is stored composed (NFC)', () => {
    expect(normalizeName('Zoe\u0301')).toBe('Zo\u00e9');
  });

  it('when a name is blank, then it is refused as a rule violation on the name field', () => {
    const error = refusal(() => normalizeName(' \t\n '));
    expect(error.code).toBe('rule_violation');
    expect(error.errors).toEqual([{ field: 'name', message: 'must not be blank' }]);
  });
});

describe('toView', () => {
  it('when a user is shown, then the password hash is not part of the view', () => {
    const view = toView({
      id: 1,
      email: EMAIL,
      name: 'Ada',
      role: 'customer',
      isActive: true,
      passwordHash: 'hashed:secret-password',
      tokensValidAfter: new Date('2026-01-01T00:00:01Z'),
      createdAt: new Date('2026-01-01T00:00:00Z'),
      updatedAt: new Date('2026-01-02T00:00:00Z'),
    });
    expect(JSON.stringify(view)).not.toContain('secret-password');
    expect(view).toEqual({
      id: 1,
      email: EMAIL,
      name: 'Ada',
      role: 'customer',
      is_active: true,
      created_at: '2026-01-01T00:00:00.000Z',
    });
  });
});
