import type { PasswordHasher } from '../../src/domain/ports.ts';

/**
 * A hasher that is cheap but not trivially true: a hash verifies only the password it
 * was made from, so a test with the wrong password really fails.
 */
export class FakePasswordHasher implements PasswordHasher {
  /** Every hash given to verify(), in order: shows which hash a login checked. */
  readonly verified: string[] = [];

  async hash(password: string): Promise<string> {
    return `hashed:${password}`;
  }

  async verify(hash: string, password: string): Promise<boolean> {
    this.verified.push(hash);
    return hash === `hashed:${password}`;
  }
}
