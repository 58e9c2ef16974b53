/** A signing key as the key store keeps it. */
export interface SigningKeyRecord {
  kid: string;
  alg: string;
  publicJwk: Record<string, unknown>;
  privateJwk: Record<string, unknown>;
  createdAt: Date;
  retiredAt: Date | null;
}

/** Where the key ring keeps its keys (private keys as given here, however they are stored). */
export interface SigningKeyStore {
  list(): Promise<SigningKeyRecord[]>;
  /** Adds `key` and retires every other live key, at once. */
  rotateTo(key: SigningKeyRecord): Promise<void>;
}

/** The key that signs new tokens: the newest one not retired. */
export function activeKey(keys: ReadonlyArray<SigningKeyRecord>): SigningKeyRecord | undefined {
  return keys.filter((key) => key.retiredAt === null).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
}

/**
 * The keys the JWKS publishes: every live key, and retired keys until the last token
 * they signed has expired (retirement time + access token lifetime + clock skew).
 */
export function publishedKeys(
  keys: ReadonlyArray<SigningKeyRecord>,
  now: Date,
  accessTokenTtlSeconds: number,
  skewSeconds = 60,
): SigningKeyRecord[] {
  const horizon = now.getTime() - (accessTokenTtlSeconds + skewSeconds) * 1000;
  return keys.filter((key) => key.retiredAt === null || key.retiredAt.getTime() > horizon);
}

/** True when the active key is older than the rotation age and a new one should take over. */
export function needsRotation(key: SigningKeyRecord | undefined, now: Date, maxAgeDays: number): boolean {
  if (!key) return true;
  if (maxAgeDays <= 0) return false;
  return now.getTime() - key.createdAt.getTime() >= maxAgeDays * 86_400_000;
}
