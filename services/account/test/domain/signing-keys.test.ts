import { describe, expect, it } from 'vitest';
import { activeKey, needsRotation, publishedKeys, type SigningKeyRecord } from '../../src/domain/signing-keys.ts';

const TTL = 900;
const SKEW = 60;

function key(kid: string, createdAt: string, retiredAt: string | null = null): SigningKeyRecord {
  return {
    kid,
    alg: 'EdDSA',
    publicJwk: { kty: 'OKP', crv: 'Ed25519', x: kid },
    privateJwk: { kty: 'OKP', crv: 'Ed25519', x: kid, d: 'private' },
    createdAt: new Date(createdAt),
    retiredAt: retiredAt === null ? null : new Date(retiredAt),
  };
}

const at = (iso: string, plusSeconds = 0) => new Date(new Date(iso).getTime() + plusSeconds * 1000);

describe('activeKey', () => {
  it('when several keys are live, then the newest one signs, whatever the order in the list', () => {
    const keys = [
      key('middle', '2026-02-01T00:00:00Z'),
      key('newest', '2026-03-01T00:00:00Z'),
      key('old', '2026-01-01T00:00:00Z'),
    ];
    expect(activeKey(keys)?.kid).toBe('newest');
  });

  it('when the newest key is retired, then the newest unretired key signs', () => {
    const keys = [
      key('live', '2026-01-01T00:00:00Z'),
      key('newer-but-retired', '2026-02-01T00:00:00Z', '2026-02-02T00:00:00Z'),
    ];
    expect(activeKey(keys)?.kid).toBe('live');
  });

  it('when every key is retired or there are none, then there is no active key', () => {
    expect(activeKey([key('a', '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z')])).toBeUndefined();
    expect(activeKey([])).toBeUndefined();
  });
});

describe('publishedKeys', () => {
  const retiredAt = '2026-02-01T12:00:00Z';
  const keys = [key('old', '2026-01-01T00:00:00Z', retiredAt), key('new', retiredAt)];
  const kids = (now: Date) => publishedKeys(keys, now, TTL, SKEW).map((published) => published.kid);

  it('when a key was just retired, then both it and the live key are published', () => {
    expect(kids(at(retiredAt))).toEqual(['old', 'new']);
  });

  it('when the last token of a retired key could still be valid (1 s before retiredAt + ttl + skew), then the key is kept', () => {
    expect(kids(at(retiredAt, TTL + SKEW - 1))).toEqual(['old', 'new']);
  });

  it('when retiredAt + ttl + skew is reached, then the retired key is dropped and the live key stays', () => {
    expect(kids(at(retiredAt, TTL + SKEW))).toEqual(['new']);
    expect(kids(at(retiredAt, TTL + SKEW + 3600))).toEqual(['new']);
  });

  it('when no skew is given, then 60 seconds are allowed', () => {
    expect(publishedKeys(keys, at(retiredAt, TTL + 59), TTL).map((k) => k.kid)).toContain('old');
    expect(publishedKeys(keys, at(retiredAt, TTL + 60), TTL).map((k) => k.kid)).not.toContain('old');
  });
});

describe('needsRotation', () => {
  const created = '2026-01-01T00:00:00Z';

  it('when there is no key, then one is needed', () => {
    expect(needsRotation(undefined, at(created), 30)).toBe(true);
    expect(needsRotation(undefined, at(created), 0)).toBe(true);
  });

  it('when the key is younger than the maximum age, then it is kept', () => {
    expect(needsRotation(key('k', created), at(created, 30 * 86_400 - 1), 30)).toBe(false);
  });

  it('when the key reaches the maximum age, then it is rotated', () => {
    expect(needsRotation(key('k', created), at(created, 30 * 86_400), 30)).toBe(true);
    expect(needsRotation(key('k', created), at(created, 31 * 86_400), 30)).toBe(true);
  });

  it('when the maximum age is 0, then an existing key is never rotated', () => {
    expect(needsRotation(key('k', created), at(created, 3650 * 86_400), 0)).toBe(false);
  });
});
