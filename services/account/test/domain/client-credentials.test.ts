import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { clientCredentialsGrant, parseClientRegistrations } from '../../src/domain/client-credentials.ts';
import { OAuthError } from '../../src/domain/errors.ts';
import { RecordingSigner } from '../fakes/index.ts';

async function caught(promise: Promise<unknown>): Promise<OAuthError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OAuthError) return error;
    throw error;
  }
  throw new Error('expected an OAuthError');
}

describe('parseClientRegistrations', () => {
  it("when given 'order:s3cret:inventory:reserve', then the id is order and the scopes are [inventory:reserve]", () => {
    const [order, ...rest] = parseClientRegistrations('order:s3cret:inventory:reserve');
    expect(rest).toEqual([]);
    expect(order?.id).toBe('order');
    expect(order?.scopes).toEqual(['inventory:reserve']);
  });

  it('when a registration is parsed, then the secret is kept as its SHA-256 and never in clear', () => {
    const [order] = parseClientRegistrations('order:s3cret:inventory:reserve');
    expect(order?.secretHash).toBe(createHash('sha256').update('s3cret').digest('hex'));
    expect(JSON.stringify(order)).not.toContain('s3cret');
  });

  it('when several entries with several scopes are given, then each becomes a client', () => {
    const clients = parseClientRegistrations(' order:a:inventory:reserve , report:b:order:read-all product:read ,');
    expect(clients.map((client) => [client.id, client.scopes])).toEqual([
      ['order', ['inventory:reserve']],
      ['report', ['order:read-all', 'product:read']],
    ]);
  });

  it('when the value is empty, then there are no clients', () => {
    expect(parseClientRegistrations('')).toEqual([]);
  });

  it.each([['order'], ['order:s3cret'], [':s3cret:inventory:reserve'], ['order::inventory:reserve']])(
    'when the entry %j is malformed, then parsing throws',
    (entry) => {
      expect(() => parseClientRegistrations(entry)).toThrow(/must look like id:secret:scopes/);
    },
  );

  it('when an entry is malformed, then the error does not repeat its secret', () => {
    expect(() => parseClientRegistrations('order:topsecret')).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('topsecret') }),
    );
  });
});

describe('clientCredentialsGrant', () => {
  const clients = parseClientRegistrations('order:s3cret:inventory:reserve,report:r3port:order:read-all product:read');
  let signer: RecordingSigner;
  beforeEach(() => {
    signer = new RecordingSigner();
  });
  const grant = (request: { clientId: string | undefined; clientSecret: string | undefined; scope?: string }) =>
    clientCredentialsGrant(request, { clients, signer, accessTokenTtlSeconds: 300 });

  it("when the secret is right, then a token with the client's scopes and no refresh token is issued", async () => {
    const response = await grant({ clientId: 'order', clientSecret: 's3cret' });
    expect(response).toEqual({
      access_token: response.access_token,
      token_type: 'Bearer',
      expires_in: 300,
      scope: 'inventory:reserve',
    });
    expect(response).not.toHaveProperty('refresh_token');
    expect(signer.claimsOf(response.access_token)).toEqual({
      token: response.access_token,
      claims: { client_id: 'order', scope: 'inventory:reserve' },
      subject: 'order',
      ttlSeconds: 300,
    });
  });

  it('when a client asks for a subset of its scopes, then the token carries just that subset', async () => {
    const response = await grant({ clientId: 'report', clientSecret: 'r3port', scope: 'product:read' });
    expect(response.scope).toBe('product:read');
  });

  it("when a client uses another client's secret, then it fails with invalid_client", async () => {
    const error = await caught(grant({ clientId: 'order', clientSecret: 'r3port' }));
    expect(error.code).toBe('invalid_client');
    expect(signer.signed).toEqual([]);
  });

  it('when the secret is wrong, then it fails with invalid_client', async () => {
    expect((await caught(grant({ clientId: 'order', clientSecret: 's3cret ' }))).code).toBe('invalid_client');
  });

  it('when the client is unknown, then it fails with invalid_client', async () => {
    expect((await caught(grant({ clientId: 'payment', clientSecret: 's3cret' }))).code).toBe('invalid_client');
  });

  it.each([
    ['no client id', { clientId: undefined, clientSecret: 's3cret' }],
    ['an empty client id', { clientId: '', clientSecret: 's3cret' }],
    ['no secret', { clientId: 'order', clientSecret: undefined }],
    ['an empty secret', { clientId: 'order', clientSecret: '' }],
  ])('when there is %s, then it fails with invalid_client', async (_case, request) => {
    expect((await caught(grant(request))).code).toBe('invalid_client');
    expect(signer.signed).toEqual([]);
  });

  it('when a client asks for a scope it was not granted, then it fails with invalid_scope and no token', async () => {
    const error = await caught(
      grant({ clientId: 'order', clientSecret: 's3cret', scope: 'inventory:reserve user:write' }),
    );
    expect(error.code).toBe('invalid_scope');
    expect(error.description).toContain('user:write');
    expect(signer.signed).toEqual([]);
  });
});
