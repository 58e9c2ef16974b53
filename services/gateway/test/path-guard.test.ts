import { describe, expect, it } from 'vitest';
import { isPlainPath } from '../src/path-guard.ts';

describe('isPlainPath', () => {
  it.each([
    '/',
    '/api/products',
    '/api/products/',
    '/api/products/12/image',
    '/api/account/users/3',
    '/.well-known/jwks.json',
    '/assets/index-4f9a.js',
    '/api/products/caf%C3%A9',
    '/api/products/100%25',
    '/api/products/a.b',
    '/api/products/...',
    '/api/products/..foo',
  ])('when the path is %s, then it is plain', (path) => {
    expect(isPlainPath(path)).toBe(true);
  });

  it.each([
    ['a parent segment', '/api/cart/../internal/x'],
    ['a current segment', '/api/./cart'],
    ['a trailing parent segment', '/api/cart/..'],
    ['an encoded parent segment', '/api/cart/%2e%2e/internal'],
    ['an upper-case encoded parent segment', '/api/cart/%2E%2E/internal'],
    ['a half-encoded parent segment', '/api/cart/.%2e/internal'],
    ['a double-encoded parent segment', '/api/cart/%252e%252e/internal'],
    ['a triple-encoded parent segment', '/api/cart/%25252e%25252e/internal'],
    ['an encoded slash', '/api/cart/..%2finternal'],
    ['a double-encoded slash', '/api/cart/a%252fb'],
    ['an encoded backslash', '/api/cart/..%5cinternal'],
    ['a backslash', '/api/cart\\..\\internal'],
    ['an empty segment', '/api//cart'],
    ['a leading double slash', '//internal/x'],
    ['a path parameter on a parent segment', '/api/cart/..;x/internal'],
    ['an encoded NUL', '/api/cart/%00'],
    ['an encoded newline', '/api/cart/a%0ab'],
    ['malformed encoding', '/api/cart/%E0%A4%A'],
    ['no leading slash', 'api/cart'],
    ['a fourfold-encoded dot', '/api/cart/%2525252e'],
  ])('when the path has %s (%s), then it is refused', (_what, path) => {
    expect(isPlainPath(path)).toBe(false);
  });
});
