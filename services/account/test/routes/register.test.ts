import { UserRegistered } from '@shop/contracts';
import { databaseTargets, schemaErrors } from '@shop/platform/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestAccount, passwordLogin, type TestAccount } from '../helpers.ts';
import { expectProblem, fieldsOf, queryRows, uniqueEmail } from './support.ts';

const USER_FIELDS = ['created_at', 'email', 'id', 'is_active', 'name', 'role'];

interface OutboxRow {
  type: string;
  event: {
    specversion: string;
    id: string;
    source: string;
    type: string;
    time: string;
    datacontenttype: string;
    data: Record<string, unknown>;
  };
}

describe.each(databaseTargets())('POST /api/auth/register on $name', (target) => {
  let account: TestAccount;
  beforeAll(async () => {
    account = await buildTestAccount(target);
  });
  afterAll(() => account.close());

  const register = (payload: Record<string, unknown>) =>
    account.app.inject({ method: 'POST', url: '/api/auth/register', payload });

  const outboxRowsFor = (email: string) =>
    queryRows<OutboxRow>(
      account,
      sql`select type, event from account.outbox where event -> 'data' ->> 'email' = ${email} order by id`,
    );

  it('when a customer registers, then the answer is 201 with the user and no password hash', async () => {
    const email = uniqueEmail('new');
    const response = await register({ email, name: 'Ada Lovelace', password: 'correct-horse-battery' });

    expect(response.statusCode, response.body).toBe(201);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const user = response.json();
    expect(Object.keys(user).sort()).toEqual(USER_FIELDS);
    expect(user).toMatchObject({ email, name: 'Ada Lovelace', role: 'customer', is_active: true });
    expect(Number.isSafeInteger(user.id) && user.id > 0).toBe(true);
    expect(new Date(user.created_at).toISOString()).toBe(user.created_at);
    expect(response.body).not.toMatch(/password|hash|argon/i);
  });

  it('when a customer registers, then they can sign in with that password', async () => {
    const email = uniqueEmail('signin');
    await register({ email, name: 'Sign In', password: 'a-good-password' });

    const tokens = await passwordLogin(account.app, email, 'a-good-password');

    expect(tokens.token_type).toBe('Bearer');
  });

  it('when the e-mail has capitals, then it is stored and returned in lower case', async () => {
    const email = uniqueEmail('Mixed.Case');
    const shouted = email.replace('example.com', 'EXAMPLE.Com');
    const response = await register({ email: shouted, name: 'Mixed', password: 'correct-horse-battery' });

    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().email).toBe(email.toLowerCase());
    const rows = await queryRows<{ email: string }>(
      account,
      sql`select email from account.users where id = ${response.json().id}`,
    );
    expect(rows.map((row) => row.email)).toEqual([email.toLowerCase()]);
  });

  it('when the e-mail is registered already in another case, then 409 problem+json and no second event', async () => {
    const email = uniqueEmail('dup');
    const first = await register({ email, name: 'First', password: 'correct-horse-battery' });
    expect(first.statusCode).toBe(201);

    const second = await register({ email: email.toUpperCase(), name: 'Second', password: 'another-password' });

    const problem = expectProblem(second, 409);
    expect(problem.detail).toMatch(/already exists/);
    expect(await outboxRowsFor(email)).toHaveLength(1);
    const users = await queryRows<{ n: number | string }>(
      account,
      sql`select count(*) as n from account.users where email = ${email}`,
    );
    expect(Number(users[0]?.n)).toBe(1);
  });

  it('when a customer registers, then one account.user_registered CloudEvent is in the outbox', async () => {
    const email = uniqueEmail('event');
    const response = await register({ email, name: 'Evented', password: 'correct-horse-battery' });
    expect(response.statusCode).toBe(201);

    const rows = await outboxRowsFor(email);

    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(row?.type).toBe('account.user_registered');
    expect(row?.event).toMatchObject({
      specversion: '1.0',
      source: '/account',
      type: 'account.user_registered',
      datacontenttype: 'application/json',
    });
    expect(row?.event.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number.isNaN(Date.parse(row?.event.time ?? ''))).toBe(false);
    expect(row?.event.data).toEqual({ user_id: response.json().id, email, name: 'Evented' });
    expect(schemaErrors(UserRegistered, row?.event.data)).toEqual([]);
  });

  it('when two customers register, then their events have different ids', async () => {
    const [a, b] = [uniqueEmail('ev-a'), uniqueEmail('ev-b')];
    await register({ email: a, name: 'A', password: 'correct-horse-battery' });
    await register({ email: b, name: 'B', password: 'correct-horse-battery' });

    const [rowA] = await outboxRowsFor(a);
    const [rowB] = await outboxRowsFor(b);

    expect(rowA?.event.id).toBeDefined();
    expect(rowA?.event.id).not.toBe(rowB?.event.id);
  });

  it('when the registration is refused, then no event is written', async () => {
    const email = uniqueEmail('refused');

    const response = await register({ email, name: 'Refused', password: 'short' });

    expectProblem(response, 400);
    expect(await outboxRowsFor(email)).toHaveLength(0);
  });

  it.each([
    ['7 characters', 'a'.repeat(7)],
    ['129 characters', 'a'.repeat(129)],
    ['7 emoji (7 characters, 14 UTF-16 units)', '😀'.repeat(7)],
  ])('when the password has %s, then 400 naming the password', async (_label, password) => {
    const response = await register({ email: uniqueEmail('pw'), name: 'Pw', password });

    const problem = expectProblem(response, 400);
    expect(fieldsOf(problem)).toContain('password');
  });

  it.each([
    ['8 characters', 'b'.repeat(8)],
    ['128 characters', 'c'.repeat(128)],
  ])('when the password has %s, then the registration succeeds', async (_label, password) => {
    const response = await register({ email: uniqueEmail('pw-ok'), name: 'Pw', password });

    expect(response.statusCode, response.body).toBe(201);
  });

  it.each([
    ['only spaces', ' '.repeat(10)],
    ['the e-mail address', 'SAME'],
  ])('when the password is %s, then 422 naming the password', async (_label, password) => {
    const email = uniqueEmail('pwrule');
    const response = await register({ email, name: 'Pw', password: password === 'SAME' ? email : password });

    const problem = expectProblem(response, 422);
    expect(fieldsOf(problem)).toEqual(['password']);
  });

  it.each([
    ['blank', '   '],
    ['empty', ''],
  ])('when the name is %s, then 400 or 422 naming the name', async (_label, name) => {
    const response = await register({ email: uniqueEmail('blank'), name, password: 'correct-horse-battery' });

    expect([400, 422]).toContain(response.statusCode);
    const problem = expectProblem(response, response.statusCode);
    expect(fieldsOf(problem)).toContain('name');
  });

  it('when the name has spaces around it, then it is stored trimmed', async () => {
    const response = await register({
      email: uniqueEmail('trim'),
      name: '  Grace  ',
      password: 'correct-horse-battery',
    });

    expect(response.statusCode).toBe(201);
    expect(response.json().name).toBe('Grace');
  });

  it('when the name is longer than 100 characters, then 400', async () => {
    const response = await register({ email: uniqueEmail('long'), name: 'n'.repeat(101), password: 'correct-horse' });

    expect(fieldsOf(expectProblem(response, 400))).toContain('name');
  });

  it.each(['email', 'name', 'password'])('when %s is missing, then 400 with errors[] naming it', async (missing) => {
    const body: Record<string, unknown> = {
      email: uniqueEmail('missing'),
      name: 'Missing',
      password: 'correct-horse-battery',
    };
    delete body[missing];

    const response = await register(body);

    const problem = expectProblem(response, 400);
    expect(problem.errors).toContainEqual({ field: missing, message: 'is required' });
    expect(fieldsOf(problem)).toEqual([missing]);
  });

  it.each(['not-an-email', 'two@@example.com', '@example.com'])(
    'when the e-mail is %j, then 400 naming the e-mail',
    async (email) => {
      const response = await register({ email, name: 'Bad', password: 'correct-horse-battery' });

      expect(fieldsOf(expectProblem(response, 400))).toContain('email');
    },
  );

  it('when the body asks for the admin role, then 400 and no user is created', async () => {
    const email = uniqueEmail('sneaky');

    const response = await register({ email, name: 'Sneaky', password: 'correct-horse-battery', role: 'admin' });

    expect(fieldsOf(expectProblem(response, 400))).toContain('role');
    const rows = await queryRows(account, sql`select id from account.users where email = ${email}`);
    expect(rows).toHaveLength(0);
  });
});
