/** Small helpers shared by the account route tests (the service helpers are in ../helpers.ts). */
import { randomBytes } from 'node:crypto';
import type { HttpApp } from '@shop/platform';
import type { SQL } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { createLocalJWKSet, type JWTPayload, type JWTVerifyResult, jwtVerify } from 'jose';
import { expect } from 'vitest';
import { form, type TestAccount } from '../helpers.ts';

export const CUSTOMER_SCOPES = 'product:read cart:write order:read order:create';

const run = randomBytes(3).toString('hex');
let counter = 0;

/** An e-mail address no other test of this run uses. */
export function uniqueEmail(label = 'user'): string {
  counter += 1;
  return `${label}-${run}-${counter}@example.com`;
}

/** Rows of a raw SQL query, on PGlite and on node-postgres alike. */
export async function queryRows<T = Record<string, unknown>>(account: TestAccount, query: SQL): Promise<T[]> {
  const result = (await account.database.db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

export { expectProblem } from '@shop/platform/testing';

export interface FieldError {
  field: string;
  message: string;
}

/** The fields a problem's `errors[]` names. */
export const fieldsOf = (body: { errors?: FieldError[] }) => (body.errors ?? []).map((error) => error.field);

/** Asserts an RFC 6749 §5.2 error: plain JSON (not problem+json) with `error`, never cached. */
export function expectOAuthError(response: LightMyRequestResponse, status: number, error: string) {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  expect(response.headers['cache-control']).toBe('no-store');
  const body = response.json();
  expect(body.error).toBe(error);
  expect(Object.keys(body).every((key) => key === 'error' || key === 'error_description')).toBe(true);
  return body as { error: string; error_description?: string };
}

/** POST /api/auth/token with form parameters. */
export function tokenRequest(
  app: HttpApp,
  params: Record<string, string>,
  options: { headers?: Record<string, string>; remoteAddress?: string } = {},
) {
  const request = form(params);
  return app.inject({
    method: 'POST',
    url: '/api/auth/token',
    payload: request.payload,
    headers: { ...request.headers, ...options.headers },
    remoteAddress: options.remoteAddress,
  });
}

export const basic = (id: string, secret: string) => ({
  authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`,
});

/** Verifies an access token against the service's published JWKS, as a resource server would. */
export async function verifyWithJwks(
  app: HttpApp,
  token: string,
  issuer: string,
): Promise<JWTVerifyResult<JWTPayload>> {
  const jwks = await app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
  expect(jwks.statusCode).toBe(200);
  return jwtVerify(token, createLocalJWKSet(jwks.json()), { issuer });
}
