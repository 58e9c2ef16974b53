import { describe, expect, it } from 'vitest';
import { narrowScopes, ROLE_SCOPES, ROLES } from '../../src/domain/scopes.ts';

describe('role scopes', () => {
  it('when a customer gets a token, then it carries exactly product:read cart:write order:read order:create', () => {
    expect([...ROLE_SCOPES.customer].sort()).toEqual(['cart:write', 'order:create', 'order:read', 'product:read']);
  });

  it("when an admin gets a token, then it carries the customer's scopes plus the seven admin scopes and nothing else", () => {
    expect([...ROLE_SCOPES.admin].sort()).toEqual(
      [
        'product:read',
        'cart:write',
        'order:read',
        'order:create',
        'product:write',
        'inventory:write',
        'order:read-all',
        'order:write',
        'user:read',
        'user:write',
        'analytics:read',
      ].sort(),
    );
  });

  it('when any role is looked at, then inventory:reserve is not among its scopes', () => {
    for (const role of ROLES) expect(ROLE_SCOPES[role]).not.toContain('inventory:reserve');
  });

  it('when a customer gets a token, then it can change neither products nor stock', () => {
    expect(ROLE_SCOPES.customer).not.toContain('product:write');
    expect(ROLE_SCOPES.customer).not.toContain('inventory:write');
  });

  it('when the scopes are listed, then no role holds a scope twice', () => {
    for (const role of ROLES) expect(new Set(ROLE_SCOPES[role]).size).toBe(ROLE_SCOPES[role].length);
  });
});

describe('narrowScopes', () => {
  const allowed = ['product:read', 'cart:write', 'order:read'];

  it('when no scope is requested, then every allowed scope is granted', () => {
    expect(narrowScopes(allowed, undefined)).toEqual({ scopes: allowed, refused: [] });
  });

  it('when an empty or blank scope is requested, then every allowed scope is granted', () => {
    expect(narrowScopes(allowed, '')).toEqual({ scopes: allowed, refused: [] });
    expect(narrowScopes(allowed, '   ')).toEqual({ scopes: allowed, refused: [] });
  });

  it('when a subset is requested, then just that subset is granted', () => {
    expect(narrowScopes(allowed, 'order:read product:read')).toEqual({
      scopes: ['order:read', 'product:read'],
      refused: [],
    });
  });

  it('when a scope is requested twice, then it is granted once', () => {
    expect(narrowScopes(allowed, 'cart:write cart:write  cart:write')).toEqual({ scopes: ['cart:write'], refused: [] });
  });

  it('when a scope that is not allowed is requested, then it is reported as refused and not granted', () => {
    const result = narrowScopes(allowed, 'product:read product:write product:write');
    expect(result.refused).toEqual(['product:write']);
    expect(result.scopes).toEqual(['product:read']);
  });

  it('when the allowed list is returned, then changing it does not change the role table', () => {
    const { scopes } = narrowScopes(ROLE_SCOPES.customer, undefined);
    scopes.push('product:write');
    expect(ROLE_SCOPES.customer).not.toContain('product:write');
  });
});
