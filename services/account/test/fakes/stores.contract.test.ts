import { randomUUID } from 'node:crypto';
import { databaseTargets } from '@shop/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER } from '../../src/app.ts';
import { PgRefreshTokenStore } from '../../src/db/refresh-token-store.ts';
import { PgUserStore } from '../../src/db/user-store.ts';
import type { NewRefreshToken, RefreshTokenStore, UserStore } from '../../src/domain/ports.ts';
import { InMemoryRefreshTokenStore } from './refresh-token-store.ts';
import { InMemoryUserStore } from './user-store.ts';

/**
 * The in-memory fakes the domain tests use must behave like the PostgreSQL adapters,
 * or the domain tests prove nothing: one contract, run against both.
 */
interface Stores {
  users: UserStore;
  refreshTokens: RefreshTokenStore;
  close(): Promise<void>;
}

const adapters: Array<{ name: string; open: () => Promise<Stores> }> = [
  {
    name: 'in-memory fakes',
    open: async () => {
      const refreshTokens = new InMemoryRefreshTokenStore();
      return { users: new InMemoryUserStore(refreshTokens), refreshTokens, close: async () => {} };
    },
  },
  ...databaseTargets().map((target) => ({
    name: `PostgreSQL adapters on ${target.name}`,
    open: async (): Promise<Stores> => {
      const { database, cleanup } = await target.open({ service: 'account', migrationsFolder: MIGRATIONS_FOLDER });
      return {
        users: new PgUserStore(database.db),
        refreshTokens: new PgRefreshTokenStore(database.db),
        close: cleanup,
      };
    },
  })),
];

const unique = (label: string) => `${label}-${randomUUID().slice(0, 8)}@example.com`;
const newUser = (email: string, role: 'customer' | 'admin' = 'customer') => ({
  email,
  name: 'Contract User',
  passwordHash: 'hashed:contract-password',
  role,
});

describe.each(adapters)('store contract: $name', (adapter) => {
  let stores: Stores;
  beforeAll(async () => {
    stores = await adapter.open();
  });
  afterAll(() => stores?.close());

  describe('UserStore', () => {
    it('when a user is registered, then it is found by id and e-mail, active, with the given role', async () => {
      const email = unique('reg');
      const user = await stores.users.register(newUser(email));
      expect(user).toMatchObject({ email, role: 'customer', isActive: true, passwordHash: 'hashed:contract-password' });
      expect(await stores.users.findById(user?.id ?? -1)).toMatchObject({ email });
      expect(await stores.users.findByEmail(email)).toMatchObject({ id: user?.id });
    });

    it('when an e-mail is taken, then register and insertQuietly both return null', async () => {
      const email = unique('dup');
      await stores.users.register(newUser(email));
      expect(await stores.users.register(newUser(email))).toBeNull();
      expect(await stores.users.insertQuietly(newUser(email, 'admin'))).toBeNull();
    });

    it('when a user does not exist, then lookups and updates return null', async () => {
      expect(await stores.users.findById(2_000_000_000)).toBeNull();
      expect(await stores.users.findByEmail(unique('missing'))).toBeNull();
      expect(await stores.users.update(2_000_000_000, { name: 'x' })).toBeNull();
    });

    it('when a user is updated, then only the given fields change', async () => {
      const user = await stores.users.register(newUser(unique('upd')));
      const updated = await stores.users.update(user?.id ?? -1, { isActive: false });
      expect(updated).toMatchObject({ name: 'Contract User', role: 'customer', isActive: false });
      expect(await stores.users.findById(user?.id ?? -1)).toMatchObject({ isActive: false, name: 'Contract User' });
    });

    it('when admins are counted, then only active admins count', async () => {
      const before = await stores.users.countActiveAdmins();
      const active = await stores.users.insertQuietly(newUser(unique('adm'), 'admin'));
      const inactive = await stores.users.insertQuietly(newUser(unique('adm-off'), 'admin'));
      await stores.users.update(inactive?.id ?? -1, { isActive: false });
      await stores.users.register(newUser(unique('cust')));
      expect(active).not.toBeNull();
      expect(await stores.users.countActiveAdmins()).toBe(before + 1);
    });

    it('when a user is updated with a revocation, then tokens_valid_after is set, later moved past itself, and refresh tokens are revoked', async () => {
      const user = await stores.users.register(newUser(unique('revoke')));
      const id = user?.id ?? -1;
      expect(user?.tokensValidAfter).toBeNull();
      const token = {
        id: randomUUID(),
        userId: id,
        familyId: randomUUID(),
        scope: 'product:read',
        tokenHash: randomUUID(),
      };
      await stores.refreshTokens.insert({ ...token, expiresAt: new Date('2099-01-01T00:00:00Z') });
      const at = new Date('2026-01-15T10:00:00.400Z');
      const later = new Date('2026-01-15T10:00:05.000Z');

      const revoked = await stores.users.update(
        id,
        { isActive: false },
        { notBefore: later, reason: 'deactivated', at },
      );
      const earlier = await stores.users.update(
        id,
        { role: 'admin' },
        { notBefore: new Date('2026-01-15T10:00:01.000Z'), reason: 'role_changed', at },
      );

      // A token issued after the first revocation has its time as iat: the second must refuse it too.
      const pastLater = new Date(later.getTime() + 1000);
      expect(revoked).toMatchObject({ isActive: false, tokensValidAfter: later });
      expect(earlier).toMatchObject({ role: 'admin', tokensValidAfter: pastLater });
      expect(await stores.users.findById(id)).toMatchObject({ tokensValidAfter: pastLater });
      expect((await stores.refreshTokens.findByHash(token.tokenHash))?.revokedAt).toEqual(at);
      expect((await stores.users.revokedSince(later)).filter((r) => r.userId === id)).toEqual([
        { userId: id, notBefore: pastLater },
      ]);
      expect((await stores.users.revokedSince(pastLater)).some((r) => r.userId === id)).toBe(false);
    });

    it('when two units of work lock the active admins at once, then the second sees what the first wrote', async () => {
      const a = await stores.users.insertQuietly(newUser(unique('lock-a'), 'admin'));
      const b = await stores.users.insertQuietly(newUser(unique('lock-b'), 'admin'));
      const seen: number[][] = [];
      const demoteOther = (self: number, other: number) =>
        stores.users.withActiveAdminsLocked(async (locked) => {
          const ids = locked.activeAdmins.map((admin) => admin.id);
          seen.push(ids);
          if (!ids.includes(self)) return false;
          // A pause inside the transaction: the other unit must wait for it, not interleave.
          await new Promise((resolve) => setTimeout(resolve, 50));
          await locked.update(other, { role: 'customer' });
          return true;
        });

      const results = await Promise.all([demoteOther(a?.id ?? -1, b?.id ?? -1), demoteOther(b?.id ?? -1, a?.id ?? -1)]);

      expect(results.filter(Boolean)).toHaveLength(1);
      expect(seen[0]).toEqual([...(seen[0] ?? [])].sort((x, y) => x - y));
      const [first, second] = seen;
      expect(first?.length).toBe((second?.length ?? 0) + 1);
      const admins = [await stores.users.findById(a?.id ?? -1), await stores.users.findById(b?.id ?? -1)];
      expect(admins.filter((admin) => admin?.role === 'admin')).toHaveLength(1);
    });

    it('when users are listed by part of the e-mail, then pages run oldest first and continue after the last one', async () => {
      const tag = randomUUID().slice(0, 8);
      const ids: number[] = [];
      for (const n of [1, 2, 3]) {
        const user = await stores.users.register(newUser(`page${n}-${tag}@example.com`));
        ids.push(user?.id ?? -1);
      }
      const first = await stores.users.list({ emailContains: tag.toUpperCase(), limit: 2 });
      expect(first.users.map((user) => user.id)).toEqual(ids.slice(0, 2));
      expect(first.next?.id).toBe(ids[1]);
      const second = await stores.users.list({ emailContains: tag, after: first.next ?? undefined, limit: 2 });
      expect(second.users.map((user) => user.id)).toEqual(ids.slice(2));
      expect(second.next).toBeNull();
    });
  });

  describe('RefreshTokenStore', () => {
    const at = new Date('2026-01-15T10:00:00.000Z');
    let userId: number;
    let otherUserId: number;
    beforeAll(async () => {
      userId = (await stores.users.register(newUser(unique('tok'))))?.id ?? -1;
      otherUserId = (await stores.users.register(newUser(unique('tok-other'))))?.id ?? -1;
    });

    const token = (overrides: Partial<NewRefreshToken> = {}): NewRefreshToken => ({
      id: randomUUID(),
      userId,
      familyId: randomUUID(),
      scope: 'product:read',
      tokenHash: randomUUID(),
      expiresAt: new Date('2026-02-15T10:00:00.000Z'),
      ...overrides,
    });

    it('when a token is inserted, then it is found by its hash, live; an unknown hash finds nothing', async () => {
      const inserted = token();
      await stores.refreshTokens.insert(inserted);
      expect(await stores.refreshTokens.findByHash(inserted.tokenHash)).toEqual({
        id: inserted.id,
        userId,
        familyId: inserted.familyId,
        scope: 'product:read',
        expiresAt: inserted.expiresAt,
        rotatedAt: null,
        revokedAt: null,
      });
      expect(await stores.refreshTokens.findByHash('no-such-hash')).toBeNull();
    });

    it('when a live token is rotated, then it is marked rotated and the next one is stored; a second rotation fails', async () => {
      const old = token();
      await stores.refreshTokens.insert(old);
      const next = token({ familyId: old.familyId });
      expect(await stores.refreshTokens.rotate(old.id, next, at)).toBe(true);
      expect((await stores.refreshTokens.findByHash(old.tokenHash))?.rotatedAt).toEqual(at);
      expect(await stores.refreshTokens.findByHash(next.tokenHash)).toMatchObject({ id: next.id, rotatedAt: null });
      const another = token({ familyId: old.familyId });
      expect(await stores.refreshTokens.rotate(old.id, another, at)).toBe(false);
      expect(await stores.refreshTokens.findByHash(another.tokenHash)).toBeNull();
    });

    it('when a revoked token is rotated, then rotation fails and nothing is stored', async () => {
      const old = token();
      await stores.refreshTokens.insert(old);
      await stores.refreshTokens.revokeFamily(old.familyId, at);
      const next = token({ familyId: old.familyId });
      expect(await stores.refreshTokens.rotate(old.id, next, at)).toBe(false);
      expect(await stores.refreshTokens.findByHash(next.tokenHash)).toBeNull();
    });

    it('when the same token is rotated twice at once, then exactly one rotation wins', async () => {
      const old = token();
      await stores.refreshTokens.insert(old);
      const [a, b] = [token({ familyId: old.familyId }), token({ familyId: old.familyId })];
      const results = await Promise.all([
        stores.refreshTokens.rotate(old.id, a, at),
        stores.refreshTokens.rotate(old.id, b, at),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const stored = [
        await stores.refreshTokens.findByHash(a.tokenHash),
        await stores.refreshTokens.findByHash(b.tokenHash),
      ];
      expect(stored.filter((found) => found !== null)).toHaveLength(1);
    });

    it('when a family is revoked, then every token of it is revoked and other families are not', async () => {
      const familyId = randomUUID();
      const [one, two, other] = [token({ familyId }), token({ familyId }), token()];
      for (const t of [one, two, other]) await stores.refreshTokens.insert(t);
      await stores.refreshTokens.revokeFamily(familyId, at);
      expect((await stores.refreshTokens.findByHash(one.tokenHash))?.revokedAt).toEqual(at);
      expect((await stores.refreshTokens.findByHash(two.tokenHash))?.revokedAt).toEqual(at);
      expect((await stores.refreshTokens.findByHash(other.tokenHash))?.revokedAt).toBeNull();
    });

    it('when a family is revoked again later, then the first revocation time is kept', async () => {
      const revoked = token();
      await stores.refreshTokens.insert(revoked);
      await stores.refreshTokens.revokeFamily(revoked.familyId, at);
      await stores.refreshTokens.revokeFamily(revoked.familyId, new Date(at.getTime() + 60_000));
      expect((await stores.refreshTokens.findByHash(revoked.tokenHash))?.revokedAt).toEqual(at);
    });

    it("when all of a user's tokens are revoked, then another user's tokens stay live", async () => {
      const mine = [token(), token()];
      const theirs = token({ userId: otherUserId });
      for (const t of [...mine, theirs]) await stores.refreshTokens.insert(t);
      await stores.refreshTokens.revokeAllOfUser(userId, at);
      for (const t of mine) expect((await stores.refreshTokens.findByHash(t.tokenHash))?.revokedAt).toEqual(at);
      expect((await stores.refreshTokens.findByHash(theirs.tokenHash))?.revokedAt).toBeNull();
    });
  });
});
