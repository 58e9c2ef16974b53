import { randomUUID } from 'node:crypto';
import { accessTokenAudience } from '@shop/platform';
import {
  type CryptoKey,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JSONWebKeySet,
  type JWK,
  type JWTVerifyGetKey,
  SignJWT,
} from 'jose';
import type { AccessTokenSigner, Clock } from '../domain/ports.ts';
import {
  activeKey,
  needsRotation,
  publishedKeys,
  type SigningKeyRecord,
  type SigningKeyStore,
} from '../domain/signing-keys.ts';

export type SigningAlgorithm = 'EdDSA' | 'ES256';

export interface KeyRingSettings {
  algorithm: SigningAlgorithm;
  issuer: string;
  accessTokenTtlSeconds: number;
  /** Rotate the signing key when it is this old (0: never). */
  maxKeyAgeDays: number;
}

const RELOAD_AFTER_MS = 60_000;
/** Tokens naming unknown key ids may trigger a reload at most this often. */
const UNKNOWN_KID_RELOAD_MS = 5_000;

/**
 * The account service's signing keys: creates the first key pair on first start,
 * rotates it when it grows old, signs access tokens with the newest key, and publishes
 * the public keys (retired ones until their tokens have expired) as a JWKS.
 */
export class KeyRing implements AccessTokenSigner {
  private keys: SigningKeyRecord[] = [];
  private signingKey: { kid: string; alg: string; key: CryptoKey | Uint8Array } | undefined;
  private loadedAt = 0;
  private jwksCache: { set: JSONWebKeySet; getKey: JWTVerifyGetKey } | undefined;

  constructor(
    private readonly store: SigningKeyStore,
    private readonly settings: KeyRingSettings,
    private readonly clock: Clock,
  ) {}

  /** Loads the keys, creating or rotating the signing key when needed. */
  async load(): Promise<void> {
    let keys = await this.store.list();
    const active = activeKey(keys);
    // A changed SIGNING_ALG takes effect at the next start, not when the old key grows old.
    const wrongAlgorithm = active !== undefined && active.alg !== this.settings.algorithm;
    if (wrongAlgorithm || needsRotation(active, this.clock.now(), this.settings.maxKeyAgeDays)) {
      await this.store.rotateTo(await this.newKey());
      keys = await this.store.list();
    }
    await this.use(keys);
  }

  /** Makes a new key the signing key now; the old one stays published until its tokens expire. */
  async rotate(): Promise<string> {
    const key = await this.newKey();
    await this.store.rotateTo(key);
    await this.use(await this.store.list());
    return key.kid;
  }

  async sign(claims: Record<string, unknown>, subject: string, ttlSeconds: number, issuedAt?: number): Promise<string> {
    await this.reloadIfStale();
    if (!this.signingKey) throw new Error('the key ring is not loaded');
    const now = issuedAt ?? Math.floor(this.clock.now().getTime() / 1000);
    // The key's own algorithm: another instance may have rotated to a key of another one.
    return new SignJWT(claims)
      .setProtectedHeader({ alg: this.signingKey.alg, kid: this.signingKey.kid, typ: 'at+jwt' })
      .setIssuer(this.settings.issuer)
      .setAudience(accessTokenAudience(this.settings.issuer))
      .setSubject(subject)
      .setIssuedAt(now)
      .setExpirationTime(now + ttlSeconds)
      .setJti(randomUUID())
      .sign(this.signingKey.key);
  }

  async jwks(): Promise<JSONWebKeySet> {
    await this.reloadIfStale();
    return this.published().set;
  }

  /** For verifying our own tokens; reloads once when a token names a key we do not hold. */
  readonly getKey: JWTVerifyGetKey = async (header, token) => {
    const known = this.keys.some((key) => key.kid === header.kid);
    const age = Date.now() - this.loadedAt;
    if (age > RELOAD_AFTER_MS || (!known && age > UNKNOWN_KID_RELOAD_MS)) await this.use(await this.store.list());
    return this.published().getKey(header, token);
  };

  private published(): { set: JSONWebKeySet; getKey: JWTVerifyGetKey } {
    if (!this.jwksCache) {
      const set: JSONWebKeySet = {
        keys: publishedKeys(this.keys, this.clock.now(), this.settings.accessTokenTtlSeconds).map(
          (key) => ({ ...key.publicJwk, kid: key.kid, alg: key.alg, use: 'sig' }) as JWK,
        ),
      };
      this.jwksCache = { set, getKey: createLocalJWKSet(set) };
    }
    return this.jwksCache;
  }

  private async reloadIfStale(): Promise<void> {
    if (Date.now() - this.loadedAt > RELOAD_AFTER_MS) await this.use(await this.store.list());
  }

  private async use(keys: SigningKeyRecord[]): Promise<void> {
    const active = activeKey(keys);
    if (!active) throw new Error('no signing key');
    this.keys = keys;
    this.signingKey = { kid: active.kid, alg: active.alg, key: await importJWK(active.privateJwk as JWK, active.alg) };
    this.loadedAt = Date.now();
    this.jwksCache = undefined;
  }

  private async newKey(): Promise<SigningKeyRecord> {
    const { publicKey, privateKey } = await generateKeyPair(this.settings.algorithm, {
      crv: this.settings.algorithm === 'EdDSA' ? 'Ed25519' : 'P-256',
      extractable: true,
    });
    return {
      kid: randomUUID(),
      alg: this.settings.algorithm,
      publicJwk: { ...(await exportJWK(publicKey)) },
      privateJwk: { ...(await exportJWK(privateKey)) },
      createdAt: this.clock.now(),
      retiredAt: null,
    };
  }
}
