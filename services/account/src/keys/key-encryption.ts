import { ConfigError } from '@shop/platform';
import { CompactEncrypt, compactDecrypt } from 'jose';

const KEY_BYTES = 32;
const BASE64 = /^(?:[A-Za-z0-9+/]+={0,2}|[A-Za-z0-9_-]+)$/;

/**
 * SIGNING_KEY_ENCRYPTION_KEY as bytes: 32 bytes in base64 or base64url (e.g.
 * `openssl rand -base64 32`). Empty: none. Anything else is a ConfigError that never
 * repeats the value (it is a secret, or meant to be one).
 */
export function decodeKeyEncryptionKey(value: string): Uint8Array | undefined {
  if (value === '') return undefined;
  // Node's base64 decoder reads both alphabets; the pattern has refused a mix of them.
  const bytes = BASE64.test(value) ? Buffer.from(value, 'base64') : undefined;
  if (!bytes || bytes.length !== KEY_BYTES) {
    throw new ConfigError(
      `SIGNING_KEY_ENCRYPTION_KEY must be 32 bytes in base64 or base64url (make one with \`openssl rand -base64 32\`); this value ${bytes ? `is ${bytes.length} bytes` : 'is not base64'}.`,
    );
  }
  return new Uint8Array(bytes);
}

/** A private JWK sealed for storage: compact JWE, direct key agreement, AES-256-GCM. */
export async function sealPrivateJwk(jwk: Record<string, unknown>, key: Uint8Array): Promise<string> {
  return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(jwk)))
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', cty: 'jwk+json' })
    .encrypt(key);
}

/** Opens what sealPrivateJwk sealed; rejects when `key` is not the key it was sealed with. */
export async function openPrivateJwk(jwe: string, key: Uint8Array): Promise<Record<string, unknown>> {
  const { plaintext } = await compactDecrypt(jwe, key, {
    keyManagementAlgorithms: ['dir'],
    contentEncryptionAlgorithms: ['A256GCM'],
  });
  return JSON.parse(new TextDecoder().decode(plaintext)) as Record<string, unknown>;
}
