/**
 * `npm start`: the whole shop in one process on embedded defaults.
 *
 *   account   :8003   users, OAuth 2.0 tokens, JWKS          schema "account"
 *
 * Every service keeps its own schema in one shared PGlite database under ./data
 * (embedded mode), or in PostgreSQL when DATABASE_URL is set (server mode).
 */
import { join } from 'node:path';
import { startAccount } from '@shop/account/main';
import { assertPortFree, closeOnSignals, createLogger, openSharedPglite, type SharedPglite } from '@shop/platform';

const logger = createLogger({ name: 'stack', level: process.env.LOG_LEVEL ?? 'warn' });
const env = { ...process.env };
const embedded = !env.DATABASE_URL;
const accountPort = env.ACCOUNT_PORT ?? '8003';
// The account service is the one entry point clients talk to, so it is the token issuer.
env.PUBLIC_URL ??= `http://localhost:${accountPort}`;

let pglite: SharedPglite | undefined;
try {
  const started = Date.now();
  await assertPortFree(env.ACCOUNT_HOST ?? env.HOST ?? '127.0.0.1', Number(accountPort), 'account', 'ACCOUNT_PORT');
  if (embedded) pglite = await openSharedPglite(join(env.DATA_DIR ?? './data', 'pglite'));
  const account = await startAccount({ env, pglite: pglite?.client, logger });

  const admin = account.createdAdmin;
  const lines = [
    '',
    `  Shop is running (${embedded ? `embedded mode, data in ${env.DATA_DIR ?? './data'}` : 'server mode'}), started in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    '',
    `  API        ${account.url}`,
    `  API docs   ${account.url}/docs`,
    `  Token      POST ${account.url}/api/auth/token`,
    '',
    admin
      ? `  Admin      ${admin.email} / ${account.config.ADMIN_PASSWORD || 'admin12345'}  (created now; change it with PATCH /api/account/me)`
      : `  Admin      ${account.config.ADMIN_EMAIL} (the password set on first start)`,
    '',
    '  Stop with Ctrl+C.',
    '',
  ];
  console.log(lines.join('\n'));

  closeOnSignals(async () => {
    await account.close();
    await pglite?.close();
  }, logger);
} catch (error) {
  console.error(`\n  The shop could not start: ${(error as Error).message}\n`);
  await pglite?.close().catch(() => undefined);
  process.exit(1);
}
