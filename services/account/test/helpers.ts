import { createLogger, type Database, type HttpApp } from '@shop/platform';
import type { DatabaseTarget } from '@shop/platform/testing';
import type { Redis } from 'ioredis';
import { type AccountService, buildAccountApp, MIGRATIONS_FOLDER } from '../src/app.ts';
import { type AccountConfig, loadAccountConfig } from '../src/config.ts';
import type { Clock } from '../src/domain/ports.ts';

export const ADMIN = { email: 'admin@example.com', password: 'admin-password-1' };
export const ORDER_CLIENT = { id: 'order', secret: 'order-client-secret', scope: 'inventory:reserve' };

/**
 * Test settings: cheap argon2 (the real cost is configuration), a registered order client,
 * and room for the many registrations a suite makes from one address (the limit's own
 * tests set it lower).
 */
export function testConfig(overrides: Record<string, string> = {}): AccountConfig {
  return loadAccountConfig({
    PUBLIC_URL: 'http://shop.test',
    ARGON2_MEMORY_KIB: '1024',
    ARGON2_TIME_COST: '1',
    REGISTRATION_MAX_PER_IP: '100000',
    OAUTH_CLIENTS: `${ORDER_CLIENT.id}:${ORDER_CLIENT.secret}:${ORDER_CLIENT.scope}`,
    ...overrides,
  });
}

export interface TestAccount extends AccountService {
  database: Database;
  config: AccountConfig;
  close(): Promise<void>;
}

/** The account service on a fresh, migrated database of `target`, with the admin created. */
export async function buildTestAccount(
  target: DatabaseTarget,
  options: { config?: Record<string, string>; clock?: Clock; redis?: Redis } = {},
): Promise<TestAccount> {
  const { database, cleanup } = await target.open({ service: 'account', migrationsFolder: MIGRATIONS_FOLDER });
  const config = testConfig(options.config);
  const service = await buildAccountApp({
    config,
    database,
    logger: createLogger({ name: 'account-test', level: 'silent' }),
    admin: ADMIN,
    clock: options.clock,
    redis: options.redis,
  });
  return {
    ...service,
    database,
    config,
    close: async () => {
      await service.app.close();
      await cleanup();
    },
  };
}

export async function registerUser(
  app: HttpApp,
  user: { email: string; name?: string; password?: string },
): Promise<{ id: number; email: string; password: string }> {
  const password = user.password ?? 'correct-horse-battery';
  const response = await app.inject({
    method: 'POST',
    url: '/api/auth/register',
    payload: { email: user.email, name: user.name ?? 'Test User', password },
  });
  if (response.statusCode !== 201) throw new Error(`register failed: ${response.statusCode} ${response.body}`);
  return { ...response.json(), password };
}

export interface Tokens {
  access_token: string;
  refresh_token?: string;
  token_type: string;
  expires_in: number;
  scope: string;
}

export async function passwordLogin(app: HttpApp, email: string, password: string): Promise<Tokens> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/auth/token',
    payload: new URLSearchParams({ grant_type: 'password', username: email, password }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
  return response.json();
}

export function form(params: Record<string, string>) {
  return {
    payload: new URLSearchParams(params).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
