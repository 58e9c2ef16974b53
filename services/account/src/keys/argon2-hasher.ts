import { hash, verify } from '@node-rs/argon2';
import type { PasswordHasher } from '../domain/ports.ts';

export interface Argon2Settings {
  memoryCostKib: number;
  timeCost: number;
  parallelism: number;
}

/** argon2id (the library's default algorithm) with configurable cost; runs off the event loop. */
export class Argon2Hasher implements PasswordHasher {
  constructor(private readonly settings: Argon2Settings) {}

  hash(password: string): Promise<string> {
    return hash(password, {
      memoryCost: this.settings.memoryCostKib,
      timeCost: this.settings.timeCost,
      parallelism: this.settings.parallelism,
    });
  }

  async verify(passwordHash: string, password: string): Promise<boolean> {
    try {
      return await verify(passwordHash, password);
    } catch {
      return false;
    }
  }
}
