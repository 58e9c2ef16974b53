import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig } from '../src/config.ts';

const Schema = Type.Object({
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 8080, description: 'TCP port to listen on' }),
  HOST: Type.String({ default: '127.0.0.1', description: 'Interface to bind' }),
  LOG_LEVEL: Type.Union([Type.Literal('debug'), Type.Literal('info'), Type.Literal('warn')], { default: 'info' }),
  RATE: Type.Number({ default: 0.5 }),
  DATABASE_URL: Type.Optional(Type.String()),
});

const RequiredSchema = Type.Object({
  JWT_SECRET: Type.String({ minLength: 1 }),
  PORT: Type.Integer({ default: 8080 }),
});

function configErrorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

describe('loadConfig', () => {
  it('when no variable is set, then every default is applied', () => {
    const config = loadConfig(Schema, { env: {} });
    expect(config).toEqual({ PORT: 8080, HOST: '127.0.0.1', LOG_LEVEL: 'info', RATE: 0.5 });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('when numbers arrive as strings, then they are coerced to numbers', () => {
    const config = loadConfig(Schema, { env: { PORT: '3000', RATE: '0.25' } });
    expect(config.PORT).toBe(3000);
    expect(typeof config.PORT).toBe('number');
    expect(config.RATE).toBe(0.25);
  });

  it('when a string variable is set, then it is used as is', () => {
    const config = loadConfig(Schema, { env: { HOST: '0.0.0.0', LOG_LEVEL: 'debug', DATABASE_URL: 'postgres://x/y' } });
    expect(config.HOST).toBe('0.0.0.0');
    expect(config.LOG_LEVEL).toBe('debug');
    expect(config.DATABASE_URL).toBe('postgres://x/y');
  });

  it('when a variable is the empty string, then it counts as unset and the default applies', () => {
    const config = loadConfig(Schema, { env: { PORT: '', HOST: '', LOG_LEVEL: '' } });
    expect(config.PORT).toBe(8080);
    expect(config.HOST).toBe('127.0.0.1');
    expect(config.LOG_LEVEL).toBe('info');
  });

  it('when the environment holds variables outside the schema, then they are not in the result', () => {
    const config = loadConfig(Schema, { env: { PATH: '/usr/bin', HOME: '/root' } });
    expect(Object.keys(config).sort()).toEqual(['HOST', 'LOG_LEVEL', 'PORT', 'RATE']);
  });

  it('when a number variable is not a number, then a ConfigError names the variable and the value', () => {
    const error = configErrorOf(() => loadConfig(Schema, { env: { PORT: 'eighty' } }));
    expect(error.name).toBe('ConfigError');
    expect(error.message).toContain('PORT');
    expect(error.message).toContain('eighty');
  });

  it('when a number is out of range, then a ConfigError names the variable', () => {
    const error = configErrorOf(() => loadConfig(Schema, { env: { PORT: '70000' } }));
    expect(error.message).toContain('PORT');
  });

  it('when a value is not one of the allowed literals, then a ConfigError names the variable', () => {
    const error = configErrorOf(() => loadConfig(Schema, { env: { LOG_LEVEL: 'verbose' } }));
    expect(error.message).toContain('LOG_LEVEL');
  });

  it('when a required variable without default is missing or empty, then a ConfigError names it', () => {
    expect(configErrorOf(() => loadConfig(RequiredSchema, { env: {} })).message).toContain('JWT_SECRET');
    expect(configErrorOf(() => loadConfig(RequiredSchema, { env: { JWT_SECRET: '' } })).message).toContain(
      'JWT_SECRET',
    );
    expect(loadConfig(RequiredSchema, { env: { JWT_SECRET: 's3cret' } })).toEqual({ JWT_SECRET: 's3cret', PORT: 8080 });
  });

  it('when two variables are bad, then the message names both', () => {
    const error = configErrorOf(() => loadConfig(Schema, { env: { PORT: 'x', RATE: 'y' } }));
    expect(error.message).toContain('PORT');
    expect(error.message).toContain('RATE');
  });
});

describe('loadConfig with a service name', () => {
  it('when <SERVICE>_<KEY> is set, then it wins over <KEY>', () => {
    const config = loadConfig(Schema, { service: 'order', env: { ORDER_PORT: '4001', PORT: '4000', HOST: '::1' } });
    expect(config.PORT).toBe(4001);
    expect(config.HOST).toBe('::1');
  });

  it('when only <KEY> is set, then it is used', () => {
    expect(loadConfig(Schema, { service: 'order', env: { PORT: '4000' } }).PORT).toBe(4000);
  });

  it('when <SERVICE>_<KEY> is empty, then it counts as unset and <KEY> is used', () => {
    expect(loadConfig(Schema, { service: 'order', env: { ORDER_PORT: '', PORT: '4000' } }).PORT).toBe(4000);
  });

  it("when another service's prefixed variable is set, then it is ignored", () => {
    expect(loadConfig(Schema, { service: 'order', env: { CART_PORT: '5000' } }).PORT).toBe(8080);
  });

  it('when the prefixed variable is bad, then the ConfigError names the prefixed variable', () => {
    const error = configErrorOf(() => loadConfig(Schema, { service: 'order', env: { ORDER_PORT: 'x', PORT: '1' } }));
    expect(error.message).toContain('ORDER_PORT');
  });
});

describe('describeConfig', () => {
  it('when a schema is described, then each variable is a row with its default and description', () => {
    const rows = describeConfig(Schema);
    expect(rows).toContainEqual({ name: 'PORT', default: '8080', description: 'TCP port to listen on' });
    expect(rows).toContainEqual({ name: 'DATABASE_URL', default: '', description: '' });
    expect(rows).toHaveLength(5);
  });
});
