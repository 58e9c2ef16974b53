import { ConfigError, describeConfig } from '@shop/platform';
import { describe, expect, it } from 'vitest';
import { CartConfigSchema, loadCartConfig } from '../src/config.ts';

describe('configuration', () => {
  it('when nothing is set, then the defaults describe an embedded cart service on port 8007', () => {
    expect(loadCartConfig({})).toMatchObject({
      PORT: 8007,
      CURRENCY: 'EUR',
      PRODUCT_URL: 'http://127.0.0.1:8001',
      REDIS_URL: '',
      CART_REDIS_PREFIX: 'cart:v1:',
      CART_PRICE_TTL: 5,
      CART_IDLE_DAYS: 30,
      CART_MAX_LINES: 100,
      UPSTREAM_TIMEOUT_MS: 2000,
    });
  });

  it('when the documented CART_* variables are set, then they are read as numbers', () => {
    const config = loadCartConfig({ CART_PRICE_TTL: '0', CART_IDLE_DAYS: '7', CART_MAX_LINES: '3' });
    expect(config).toMatchObject({ CART_PRICE_TTL: 0, CART_IDLE_DAYS: 7, CART_MAX_LINES: 3 });
  });

  it('when CART_<KEY> and <KEY> are both set, then the prefixed one wins', () => {
    const config = loadCartConfig({
      REDIS_URL: 'redis://shared:6379',
      CART_REDIS_URL: 'redis://carts:6379',
      PORT: '9000',
      CART_PORT: '9007',
    });
    expect(config.REDIS_URL).toBe('redis://carts:6379');
    expect(config.PORT).toBe(9007);
  });

  it('when a value is out of range, then loading fails and names the variable', () => {
    for (const [name, value] of [
      ['CART_PRICE_TTL', '-1'],
      ['CART_MAX_LINES', '0'],
      ['CART_IDLE_DAYS', 'soon'],
      ['CURRENCY', 'euro'],
    ]) {
      expect(() => loadCartConfig({ [name as string]: value })).toThrow(ConfigError);
      expect(() => loadCartConfig({ [name as string]: value })).toThrow(new RegExp(name as string));
    }
  });

  it('when the schema is documented, then every key has a description and the cart’s own keys show as CART_*', () => {
    const rows = describeConfig(CartConfigSchema);
    expect(rows.every((row) => row.description.length > 10)).toBe(true);
    expect(rows.map((row) => row.name)).toEqual(
      expect.arrayContaining(['CART_PRICE_TTL', 'CART_IDLE_DAYS', 'CART_MAX_LINES', 'CART_REDIS_PREFIX']),
    );
    expect(rows.find((row) => row.name === 'CART_PRICE_TTL')?.default).toBe('5');
  });
});
