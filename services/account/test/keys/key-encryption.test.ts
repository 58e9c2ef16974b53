import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, createLogger, type Database, type Logger, openServiceDatabase } from '@shop/platform';
import { databaseTargets, freshPostgresDatabase, testServers } from '@shop/platform/testing';
import { sql } from 'drizzle-orm';
import { compactDecrypt, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AccountService, buildAccountApp, MIGRATIONS_FOLDER } from '../../src/app.ts';
import { loadAccountConfig } from '../../src/config.ts';
import { rotateSigningKey } from '../../src/rotate-key.ts';
import { ADMIN, testConfig } from '../helpers.ts';

const KEY = randomBytes(32);
const KEY_BASE64 = KEY.toString('base64');
const OTHER_KEY_BASE64URL = randomBytes(32).toString('base64url');

interface KeyRow {
  kid: string;
  alg: string;
  public_jwk: Record<string, unknown>;
  private_jwk: Record<string, unknown> | null;
  private_jwk_encrypted: string | null;
  retired_at: unknown;
}

async function keyRows(database: Database): Promise<KeyRow[]> {
  const result = (await database.db.execute(
    sql`select kid, alg, public_jwk, private_jwk, private_jwk_encrypted, retired_at from account.signing_keys order by created_at`,
  )) as unknown as { rows: KeyRow[] };
  return result.rows;
}

/** The private key's `d`, read the way only the holder of the encryption key can. */
async function decryptedD(row: KeyRow, key: Uint8Array = KEY): Promise<string> {
  const { plaintext } = await compactDecrypt(row.private_jwk_encrypted ?? '', key);
  return JSON.parse(new TextDecoder().decode(plaintext)).d;
}

/** A logger that keeps its warnings instead of printing them. */
function recordingLogger(): { logger: Logger; warnings: string[] } {
  const warnings: string[] = [];
  const logger = createLogger({
    name: 'account-test',
    level: 'warn',
    hooks: {
      logMethod(args) {
        warnings.push(args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' '));
      },
    },
  });
  return { logger, warnings };
}

describe.each(databaseTargets())('signing keys at rest on $name', (target) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  const started: AccountService[] = [];
  beforeEach(async () => {
    ({ database, cleanup } = await target.open({ service: 'account', migrationsFolder: MIGRATIONS_FOLDER }));
  });
  afterEach(async () => {
    for (const service of started.splice(0)) await service.app.close();
    await cleanup();
  });

  /** One start of the service on this test's database. */
  async function start(env: Record<string, string> = {}, logger?: Logger): Promise<AccountService> {
    const service = await buildAccountApp({
      config: testConfig(env),
      database,
      logger: logger ?? createLogger({ name: 'account-test', level: 'silent' }),
      admin: ADMIN,
    });
    started.push(service);
    return service;
  }

  const sign = (service: AccountService) => service.keyRing.sign({ scope: 'product:read' }, '42', 900);
  const verify = (service: AccountService, token: string) =>
    jwtVerify(token, service.keyRing.getKey, { issuer: 'http://shop.test' });

  it('when the encryption key is set, then private keys are stored only as A256GCM JWE, with no `d` in any column', async () => {
    const service = await start({ SIGNING_KEY_ENCRYPTION_KEY: KEY_BASE64 });
    await service.keyRing.rotate();

    const rows = await keyRows(database);

    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.private_jwk).toBeNull();
      expect(row.private_jwk_encrypted?.split('.')).toHaveLength(5);
      expect(decodeProtectedHeader(row.private_jwk_encrypted ?? '')).toMatchObject({ alg: 'dir', enc: 'A256GCM' });
      const d = await decryptedD(row);
      expect(d.length).toBeGreaterThan(20);
      const stored = JSON.stringify(row);
      expect(stored).not.toContain(d);
      expect(stored).not.toMatch(/"d"\s*:/);
    }
    expect(await verify(service, await sign(service))).toBeTruthy();
  });

  it('when the service restarts with the same key, then it signs with the same key and earlier tokens still verify', async () => {
    const first = await start({ SIGNING_KEY_ENCRYPTION_KEY: KEY_BASE64 });
    const before = await sign(first);

    const second = await start({ SIGNING_KEY_ENCRYPTION_KEY: KEY.toString('base64url') });

    expect(decodeProtectedHeader(await sign(second)).kid).toBe(decodeProtectedHeader(before).kid);
    expect((await verify(second, before)).payload.sub).toBe('42');
    expect(await keyRows(database)).toHaveLength(1);
  });

  it('when keys are stored encrypted and the service starts without the key, then it refuses to start and says why', async () => {
    await start({ SIGNING_KEY_ENCRYPTION_KEY: KEY_BASE64 });

    const error = await start().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/encrypted/);
    expect((error as Error).message).toMatch(/SIGNING_KEY_ENCRYPTION_KEY is not set/);
    expect((await keyRows(database)).every((row) => row.private_jwk === null)).toBe(true);
  });

  it('when keys are stored encrypted and the service starts with another key, then it refuses to start and says why', async () => {
    await start({ SIGNING_KEY_ENCRYPTION_KEY: KEY_BASE64 });

    const error = await start({ SIGNING_KEY_ENCRYPTION_KEY: OTHER_KEY_BASE64URL }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/SIGNING_KEY_ENCRYPTION_KEY cannot decrypt/);
    expect((error as Error).message).toMatch(/not the key they were encrypted with/);
  });

  it('when plaintext keys exist and the service starts with the key, then they are encrypted in place and keep signing', async () => {
    const plain = await start();
    const before = await sign(plain);
    const [plainRow] = await keyRows(database);
    const d = String(plainRow?.private_jwk?.d);
    expect(d.length).toBeGreaterThan(20);
    expect(plainRow?.private_jwk_encrypted).toBeNull();

    const sealed = await start({ SIGNING_KEY_ENCRYPTION_KEY: KEY_BASE64 });

    const [row] = await keyRows(database);
    expect(row?.kid).toBe(plainRow?.kid);
    expect(row?.private_jwk).toBeNull();
    expect(await decryptedD(row as KeyRow)).toBe(d);
    expect(JSON.stringify(row)).not.toContain(d);
    expect((await verify(sealed, before)).payload.sub).toBe('42');
    expect(decodeProtectedHeader(await sign(sealed)).kid).toBe(plainRow?.kid);
  });

  it('when no key is set, then keys stay plaintext, and the server mode (PostgreSQL) start warns about it', async () => {
    const { logger, warnings } = recordingLogger();

    await start({}, logger);

    expect((await keyRows(database))[0]?.private_jwk).toHaveProperty('d');
    const warned = warnings.some((line) => line.includes('SIGNING_KEY_ENCRYPTION_KEY'));
    expect(warned).toBe(database.kind === 'postgres');
  });

  it('when the key is set, then nothing is warned about signing keys', async () => {
    const { logger, warnings } = recordingLogger();

    await start({ SIGNING_KEY_ENCRYPTION_KEY: KEY_BASE64 }, logger);

    expect(warnings.filter((line) => line.includes('SIGNING_KEY_ENCRYPTION_KEY'))).toEqual([]);
  });
});

describe('SIGNING_KEY_ENCRYPTION_KEY in the configuration', () => {
  it.each([
    ['16 bytes', randomBytes(16).toString('base64')],
    ['33 bytes', randomBytes(33).toString('base64')],
    ['not base64', `${'!'.repeat(43)}=`],
    ['a hex string of 32 characters', randomBytes(16).toString('hex')],
  ])(
    'when it is %s, then the configuration is refused with a ConfigError naming the key and the way to make one',
    (_label, value) => {
      const error = (() => {
        try {
          loadAccountConfig({ SIGNING_KEY_ENCRYPTION_KEY: value });
        } catch (e) {
          return e;
        }
        return undefined;
      })();

      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(/SIGNING_KEY_ENCRYPTION_KEY must be 32 bytes/);
      expect((error as Error).message).toMatch(/openssl rand -base64 32/);
      expect((error as Error).message).not.toContain(value);
    },
  );

  it.each([
    ['base64', randomBytes(32).toString('base64')],
    ['base64url without padding', randomBytes(32).toString('base64url')],
    ['ACCOUNT_-prefixed', randomBytes(32).toString('base64')],
  ])('when it is 32 bytes in %s, then it is taken', (label, value) => {
    const env =
      label === 'ACCOUNT_-prefixed'
        ? { ACCOUNT_SIGNING_KEY_ENCRYPTION_KEY: value }
        : { SIGNING_KEY_ENCRYPTION_KEY: value };
    expect(loadAccountConfig(env).SIGNING_KEY_ENCRYPTION_KEY).toBe(value);
  });
});

describe('npm run rotate-key with encrypted keys', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /** The environments of an embedded data directory and, when reachable, a PostgreSQL database. */
  async function places(): Promise<Array<{ name: string; env: Record<string, string>; drop: () => Promise<void> }>> {
    const dataDir = mkdtempSync(join(tmpdir(), 'account-rotate-'));
    dirs.push(dataDir);
    const result: Array<{ name: string; env: Record<string, string>; drop: () => Promise<void> }> = [
      { name: 'embedded', env: { DATA_DIR: dataDir, DATABASE_URL: '' }, drop: async () => {} },
    ];
    if (testServers().postgresUrl) {
      const { url, drop } = await freshPostgresDatabase();
      result.push({ name: 'postgres', env: { DATABASE_URL: url }, drop });
    }
    return result;
  }

  /** The stored signing keys, read as another process would after rotate-key has exited. */
  async function storedRows(env: Record<string, string>): Promise<KeyRow[]> {
    const config = testConfig(env);
    const { database, close } = await openServiceDatabase({
      service: 'account',
      migrationsFolder: MIGRATIONS_FOLDER,
      databaseUrl: config.DATABASE_URL,
      dataDir: config.DATA_DIR,
    });
    try {
      return await keyRows(database);
    } finally {
      await close();
    }
  }

  it('when keys are encrypted, then rotate-key needs the key, stores the new key encrypted too, and refuses a missing or wrong key', async () => {
    for (const place of await places()) {
      try {
        const withKey = testConfig({ ...place.env, SIGNING_KEY_ENCRYPTION_KEY: KEY_BASE64 });
        const first = await rotateSigningKey(withKey);

        await expect(rotateSigningKey(testConfig(place.env)), place.name).rejects.toThrow(/is not set/);
        await expect(
          rotateSigningKey(testConfig({ ...place.env, SIGNING_KEY_ENCRYPTION_KEY: OTHER_KEY_BASE64URL })),
          place.name,
        ).rejects.toThrow(/cannot decrypt/);
        const second = await rotateSigningKey(withKey);

        expect(second).not.toBe(first);
        const rows = await storedRows(place.env);
        expect(rows.map((row) => row.kid)).toEqual([first, second]);
        expect(rows.every((row) => row.private_jwk === null && row.private_jwk_encrypted !== null)).toBe(true);
      } finally {
        await place.drop();
      }
    }
  });

  it('when keys are plaintext and rotate-key runs with the key, then every key ends up encrypted', async () => {
    for (const place of await places()) {
      try {
        await rotateSigningKey(testConfig(place.env));
        const [plain] = await storedRows(place.env);
        expect(plain?.private_jwk).toHaveProperty('d');

        await rotateSigningKey(testConfig({ ...place.env, SIGNING_KEY_ENCRYPTION_KEY: KEY_BASE64 }));

        const rows = await storedRows(place.env);
        expect(rows).toHaveLength(2);
        expect(rows.every((row) => row.private_jwk === null)).toBe(true);
        expect(await decryptedD(rows[0] as KeyRow)).toBe(plain?.private_jwk?.d);
      } finally {
        await place.drop();
      }
    }
  });
});
