import type { Database } from '@shop/platform';
import { databaseTargets } from '@shop/platform/testing';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MIGRATIONS_FOLDER } from '../../src/app.ts';
import { PgSigningKeyStore } from '../../src/db/signing-key-store.ts';
import { KeyRing, type KeyRingSettings } from '../../src/keys/key-ring.ts';
import { SigningKeyVault } from '../../src/keys/key-vault.ts';
import { FakeClock } from '../fakes/index.ts';

const ISSUER = 'http://shop.test';
const ACCESS_TOKEN_TTL = 900;
const DAY_SECONDS = 86_400;
const SETTINGS: KeyRingSettings = {
  algorithm: 'EdDSA',
  issuer: ISSUER,
  accessTokenTtlSeconds: ACCESS_TOKEN_TTL,
  maxKeyAgeDays: 30,
};

const kidOf = (token: string) => decodeProtectedHeader(token).kid;

describe.each(databaseTargets())('KeyRing on $name', (target) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let store: SigningKeyVault;
  let clock: FakeClock;
  beforeEach(async () => {
    ({ database, cleanup } = await target.open({ service: 'account', migrationsFolder: MIGRATIONS_FOLDER }));
    store = new SigningKeyVault(new PgSigningKeyStore(database.db), undefined);
    clock = new FakeClock(new Date());
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await cleanup();
  });

  async function loadedRing(options: { clock?: FakeClock; settings?: Partial<KeyRingSettings> } = {}) {
    const ring = new KeyRing(store, { ...SETTINGS, ...options.settings }, options.clock ?? clock);
    await ring.load();
    return ring;
  }

  const sign = (ring: KeyRing) => ring.sign({ scope: 'product:read' }, '42', ACCESS_TOKEN_TTL);

  const verify = (token: string, ring: KeyRing, at: FakeClock = clock) =>
    jwtVerify(token, ring.getKey, { issuer: ISSUER, currentDate: at.now() });

  it('when the first KeyRing loads an empty database, then it creates exactly one key and publishes it', async () => {
    const ring = await loadedRing();
    const keys = await store.list();
    expect(keys).toHaveLength(1);
    expect(keys[0]?.retiredAt).toBeNull();
    expect((await ring.jwks()).keys.map((key) => key.kid)).toEqual([keys[0]?.kid]);
    expect(kidOf(await sign(ring))).toBe(keys[0]?.kid);
  });

  it('when a second KeyRing loads the same database (a restart), then it uses the same key and creates none', async () => {
    const first = await loadedRing();
    const before = await sign(first);
    const second = await loadedRing();
    expect(await store.list()).toHaveLength(1);
    expect(kidOf(await sign(second))).toBe(kidOf(before));
    const { payload } = await verify(before, second);
    expect(payload.sub).toBe('42');
  });

  it('when a token is signed, then it carries the issuer, subject, claims, typ at+jwt and a lifetime of the given ttl', async () => {
    const ring = await loadedRing();
    const token = await sign(ring);
    const { payload, protectedHeader } = await verify(token, ring);
    expect(protectedHeader).toMatchObject({ alg: 'EdDSA', typ: 'at+jwt' });
    expect(payload).toMatchObject({ iss: ISSUER, sub: '42', scope: 'product:read' });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(ACCESS_TOKEN_TTL);
    expect(payload.iat).toBe(Math.floor(clock.now().getTime() / 1000));
    expect(payload.jti).toEqual(expect.any(String));
  });

  it('when the key is rotated, then new tokens use the new kid, the JWKS lists both keys and older tokens still verify', async () => {
    const ring = await loadedRing();
    const before = await sign(ring);
    const oldKid = kidOf(before);
    const newKid = await ring.rotate();
    expect(newKid).not.toBe(oldKid);
    const after = await sign(ring);
    expect(kidOf(after)).toBe(newKid);
    expect((await ring.jwks()).keys.map((key) => key.kid).sort()).toEqual([oldKid, newKid].sort());
    expect((await verify(before, ring)).protectedHeader.kid).toBe(oldKid);
    expect((await verify(after, ring)).protectedHeader.kid).toBe(newKid);
    const retired = (await store.list()).find((key) => key.kid === oldKid);
    expect(retired?.retiredAt).toEqual(clock.now());
  });

  it('when a fresh KeyRing starts after the old key has been retired longer than ttl + 60 s, then the old key is no longer published', async () => {
    const ring = await loadedRing();
    const before = await sign(ring);
    const oldKid = kidOf(before);
    const newKid = await ring.rotate();
    const retiredAt = (await store.list()).find((key) => key.kid === oldKid)?.retiredAt;
    if (!retiredAt) throw new Error('the old key was not retired');

    const justBefore = new FakeClock(new Date(retiredAt.getTime() + (ACCESS_TOKEN_TTL + 59) * 1000));
    const stillListed = await loadedRing({ clock: justBefore });
    expect((await stillListed.jwks()).keys.map((key) => key.kid)).toContain(oldKid);

    const later = new FakeClock(new Date(retiredAt.getTime() + (ACCESS_TOKEN_TTL + 61) * 1000));
    const fresh = await loadedRing({ clock: later });
    expect((await fresh.jwks()).keys.map((key) => key.kid)).toEqual([newKid]);
    await expect(verify(before, fresh, later)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
  });

  it('when a KeyRing loads with a clock 31 days after the key was made, then it rotates at load and signs with the new key', async () => {
    const first = await loadedRing();
    const oldKid = kidOf(await sign(first));
    const monthLater = new FakeClock(new Date(clock.now().getTime() + 31 * DAY_SECONDS * 1000));
    const restarted = await loadedRing({ clock: monthLater });
    const keys = await store.list();
    expect(keys).toHaveLength(2);
    const newKid = kidOf(await sign(restarted));
    expect(newKid).not.toBe(oldKid);
    expect(keys.find((key) => key.kid === oldKid)?.retiredAt).toEqual(monthLater.now());
    expect(keys.find((key) => key.kid === newKid)?.retiredAt).toBeNull();
  });

  it('when a KeyRing loads 29 days after the key was made, then it keeps the key', async () => {
    const first = await loadedRing();
    const oldKid = kidOf(await sign(first));
    const later = new FakeClock(new Date(clock.now().getTime() + 29 * DAY_SECONDS * 1000));
    const restarted = await loadedRing({ clock: later });
    expect(await store.list()).toHaveLength(1);
    expect(kidOf(await sign(restarted))).toBe(oldKid);
  });

  it('when SIGNING_KEY_MAX_AGE_DAYS is 0, then even a year-old key is kept', async () => {
    await loadedRing({ settings: { maxKeyAgeDays: 0 } });
    const yearLater = new FakeClock(new Date(clock.now().getTime() + 365 * DAY_SECONDS * 1000));
    await loadedRing({ clock: yearLater, settings: { maxKeyAgeDays: 0 } });
    expect(await store.list()).toHaveLength(1);
  });

  it('when the algorithm is ES256, then tokens are signed with a P-256 key and verify against the JWKS', async () => {
    const ring = await loadedRing({ settings: { algorithm: 'ES256' } });
    const token = await sign(ring);
    const { protectedHeader } = await verify(token, ring);
    expect(protectedHeader.alg).toBe('ES256');
    const [published] = (await ring.jwks()).keys;
    expect(published).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: protectedHeader.kid });
  });

  it('when SIGNING_ALG changes from EdDSA to ES256 between restarts, then the restarted ring signs verifiable ES256 tokens', async () => {
    const before = await sign(await loadedRing());
    const restarted = await loadedRing({ settings: { algorithm: 'ES256' } });
    const token = await sign(restarted);
    expect((await verify(token, restarted)).protectedHeader.alg).toBe('ES256');
    expect((await verify(before, restarted)).protectedHeader.alg).toBe('EdDSA');
  });

  it('when another instance rotated to a key of another algorithm, then tokens name the algorithm of the key that signed them', async () => {
    const edRing = await loadedRing();
    const esRing = await loadedRing({ settings: { algorithm: 'ES256' } });
    const esKid = kidOf(await sign(esRing));
    // A minute later the EdDSA instance reloads the keys on its own and finds the ES256 key active.
    const realNow = Date.now();
    vi.spyOn(Date, 'now').mockReturnValue(realNow + 61_000);
    const token = await sign(edRing);
    vi.restoreAllMocks();
    const { protectedHeader } = await verify(token, edRing);
    expect(protectedHeader).toMatchObject({ alg: 'ES256', kid: esKid });
  });

  it('when the JWKS is published, then no key carries the private member d, for EdDSA or ES256', async () => {
    const ring = await loadedRing();
    await ring.rotate();
    const es = await loadedRing({ settings: { algorithm: 'ES256' } });
    await es.rotate();
    const privateParts = (await store.list()).map((key) => key.privateJwk.d);
    expect(privateParts.every((d) => typeof d === 'string' && d.length > 0)).toBe(true);
    for (const jwks of [await ring.jwks(), await es.jwks()]) {
      expect(jwks.keys.length).toBeGreaterThan(0);
      for (const key of jwks.keys) expect(key).not.toHaveProperty('d');
      const text = JSON.stringify(jwks);
      for (const d of privateParts) expect(text).not.toContain(String(d));
    }
  });
});
