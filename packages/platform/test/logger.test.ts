import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { createHttpApp, type HttpApp } from '../src/http/app.ts';
import { createLogger } from '../src/logger.ts';
import { databaseTargets } from '../src/testing/index.ts';

const EMAIL = 'ada.lovelace@example.com';

/** A logger writing into an array of parsed lines. */
function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: createLogger({ name: 'logtest', level: 'info' }, stream) };
}

describe.each(databaseTargets())('what an unexpected database error logs ($name)', (target) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let app: HttpApp;
  const captured = capturingLogger();

  beforeAll(async () => {
    ({ database, cleanup } = await target.open({
      service: 'platformtest',
      migrationsFolder: new URL('./fixtures/migrations', import.meta.url).pathname,
    }));
    await database.db.execute(sql`create table platformtest.people (email text unique)`);
    await database.db.execute(sql`insert into platformtest.people values (${EMAIL})`);
    app = await createHttpApp({ name: 'logtest', logger: captured.logger });
    app.post('/duplicate', async () => database.db.execute(sql`insert into platformtest.people values (${EMAIL})`));
    app.post('/cast', async () => database.db.execute(sql`select ${EMAIL}::int`));
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await cleanup?.();
  });

  it.each([
    ['/duplicate', '23505'],
    ['/cast', '22P02'],
  ])(
    'when %s fails in the database, then the client gets a bare 500 and the log holds the SQL and SQLSTATE, never the e-mail',
    async (url, sqlState) => {
      captured.lines.length = 0;
      const response = await app.inject({ method: 'POST', url });
      expect(response.statusCode).toBe(500);
      expect(response.body).not.toContain('insert');
      expect(response.body).not.toContain(EMAIL);
      const logged = captured.lines.find((line) => line.msg === 'unhandled error');
      expect(logged).toBeDefined();
      const text = JSON.stringify(logged);
      expect(text).not.toContain(EMAIL);
      expect(text).not.toContain('ada.lovelace');
      const err = (logged?.err ?? {}) as { message?: string; sqlState?: string };
      expect(err.sqlState).toBe(sqlState);
      expect(String(err.message)).toMatch(/^Failed query: (insert into|select)/);
    },
  );
});

describe('what an error with a URL in its message logs', () => {
  it('when a connection URL with a password is in the message, then the password is not logged', () => {
    const captured = capturingLogger();
    captured.logger.error(
      { err: new Error('connect ECONNREFUSED for amqp://shop:s3cret-pass@broker:5672/vhost') },
      'broker down',
    );
    const text = JSON.stringify(captured.lines[0]);
    expect(text).not.toContain('s3cret-pass');
    expect(text).toContain('amqp://shop:[redacted]@broker:5672/vhost');
  });
});
