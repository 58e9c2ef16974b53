import { DomainError } from '@shop/platform/errors';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { NewUser } from '../../src/domain/ports.ts';
import { register } from '../../src/domain/register.ts';
import type { User } from '../../src/domain/user.ts';
import { FakePasswordHasher, FakeRequestCounter, InMemoryUserStore } from '../fakes/index.ts';

const INPUT = {
  email: '  Ada@Example.COM ',
  name: ' Ada Lovelace ',
  password: 'analytical-engine',
  clientIp: '203.0.113.7',
};

describe('register', () => {
  let users: InMemoryUserStore;
  let hasher: FakePasswordHasher;
  let registrations: FakeRequestCounter;
  beforeEach(() => {
    users = new InMemoryUserStore();
    hasher = new FakePasswordHasher();
    registrations = new FakeRequestCounter(100);
  });

  it('when a customer registers, then the e-mail is stored lower-cased and trimmed, the name trimmed', async () => {
    const user = await register(INPUT, { users, hasher, registrations });
    expect(user.email).toBe('ada@example.com');
    expect(user.name).toBe('Ada Lovelace');
    expect(await users.findByEmail('ada@example.com')).toMatchObject({ id: user.id });
  });

  it('when a customer registers, then the role is customer and the password is stored only as its hash', async () => {
    const user = await register(INPUT, { users, hasher, registrations });
    expect(user.role).toBe('customer');
    expect(user.passwordHash).toBe('hashed:analytical-engine');
    expect(await hasher.verify(user.passwordHash, INPUT.password)).toBe(true);
  });

  it('when a customer registers, then one registration event is written', async () => {
    const user = await register(INPUT, { users, hasher, registrations });
    expect(users.registeredEvents).toEqual([{ user_id: user.id, email: 'ada@example.com', name: 'Ada Lovelace' }]);
  });

  it('when the e-mail is taken in another case, then registration fails with conflict and no event', async () => {
    await register(INPUT, { users, hasher, registrations });
    const error = await register({ ...INPUT, email: 'ADA@example.com' }, { users, hasher, registrations }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('conflict');
    expect(users.registeredEvents).toHaveLength(1);
  });

  it('when another registration takes the e-mail between the check and the insert, then it fails with conflict', async () => {
    class RacingStore extends InMemoryUserStore {
      override async register(_user: NewUser): Promise<User | null> {
        return null; // the unique constraint refused it
      }
    }
    const error = await register(INPUT, { users: new RacingStore(), hasher, registrations }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('conflict');
  });

  it('when the password is the e-mail address, then registration fails with rule_violation and stores nothing', async () => {
    const error = await register({ ...INPUT, password: 'ADA@example.com' }, { users, hasher, registrations }).catch(
      (e: unknown) => e,
    );
    expect((error as DomainError).code).toBe('rule_violation');
    expect(await users.findByEmail('ada@example.com')).toBeNull();
  });

  it('when the name is blank, then registration fails with rule_violation and stores nothing', async () => {
    const error = await register({ ...INPUT, name: '   ' }, { users, hasher, registrations }).catch((e: unknown) => e);
    expect((error as DomainError).code).toBe('rule_violation');
    expect(await users.findByEmail('ada@example.com')).toBeNull();
  });

  it('when an address has used its allowance, then the next attempt is rate_limited with a retry time, before any hash', async () => {
    const counter = new FakeRequestCounter(2, 1800);
    const deps = { users, hasher, registrations: counter };
    await register({ ...INPUT, email: 'one@example.com' }, deps);
    await register({ ...INPUT, name: '   ' }, deps).catch(() => undefined);
    const hash = vi.spyOn(hasher, 'hash');

    const error = await register({ ...INPUT, email: 'three@example.com' }, deps).catch((e: unknown) => e);

    expect((error as DomainError).code).toBe('rate_limited');
    expect((error as DomainError).retryAfterSeconds).toBe(1800);
    expect(hash).not.toHaveBeenCalled();
    expect(await users.findByEmail('three@example.com')).toBeNull();
    const elsewhere = await register({ ...INPUT, email: 'four@example.com', clientIp: '198.51.100.1' }, deps);
    expect(elsewhere.email).toBe('four@example.com');
  });
});
