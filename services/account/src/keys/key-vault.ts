import { ConfigError } from '@shop/platform';
import type { PgSigningKeyStore, StoredSigningKey } from '../db/signing-key-store.ts';
import type { SigningKeyRecord, SigningKeyStore } from '../domain/signing-keys.ts';
import { openPrivateJwk, sealPrivateJwk } from './key-encryption.ts';

/**
 * The signing keys as the key ring sees them (private keys in the clear, in memory only),
 * stored sealed under SIGNING_KEY_ENCRYPTION_KEY when one is configured, in the clear
 * when not. A store holding sealed keys cannot be read without the right key: the
 * service refuses to start rather than make new keys nobody else can verify.
 */
export class SigningKeyVault implements SigningKeyStore {
  constructor(
    private readonly store: PgSigningKeyStore,
    /** SIGNING_KEY_ENCRYPTION_KEY's bytes; none: keys are kept in the clear. */
    private readonly key: Uint8Array | undefined,
  ) {}

  get encrypts(): boolean {
    return this.key !== undefined;
  }

  /**
   * At start, before anything signs: seals keys still in the clear when a key is
   * configured, then proves every stored key can be read. Throws ConfigError otherwise.
   */
  async prepare(): Promise<void> {
    if (this.key) {
      for (const row of await this.store.list()) {
        if (row.privateJwk) await this.store.seal(row.kid, await sealPrivateJwk(row.privateJwk, this.key));
      }
    }
    await this.list();
  }

  async list(): Promise<SigningKeyRecord[]> {
    return Promise.all((await this.store.list()).map((row) => this.open(row)));
  }

  async rotateTo(key: SigningKeyRecord): Promise<void> {
    const { privateJwk, ...rest } = key;
    await this.store.rotateTo(
      this.key
        ? { ...rest, privateJwk: null, privateJwkEncrypted: await sealPrivateJwk(privateJwk, this.key) }
        : { ...rest, privateJwk, privateJwkEncrypted: null },
    );
  }

  private async open(row: StoredSigningKey): Promise<SigningKeyRecord> {
    const { privateJwk, privateJwkEncrypted, ...rest } = row;
    if (privateJwk) return { ...rest, privateJwk };
    if (!this.key) {
      throw new ConfigError(
        'The signing keys are stored encrypted, but SIGNING_KEY_ENCRYPTION_KEY is not set: set it to the key they were encrypted with.',
      );
    }
    try {
      return { ...rest, privateJwk: await openPrivateJwk(privateJwkEncrypted ?? '', this.key) };
    } catch {
      throw new ConfigError(
        `SIGNING_KEY_ENCRYPTION_KEY cannot decrypt the stored signing key ${row.kid}: it is not the key they were encrypted with.`,
      );
    }
  }
}
