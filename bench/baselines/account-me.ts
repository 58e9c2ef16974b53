/**
 * Baseline for the `account` scenario: the least a server can do for GET /me: bare
 * Fastify and a pg pool running the same SQL, with no token verification, validation,
 * logging or metrics. The service's figures are read against this ceiling.
 */
import Fastify from 'fastify';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const app = Fastify({ logger: false });
const userId = Number(process.env.USER_ID ?? 1);

app.get('/api/account/me', async () => {
  const { rows } = await pool.query(
    'select id, email, name, role, is_active, created_at from account.users where id = $1',
    [userId],
  );
  return rows[0];
});

await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
console.log('ready');
