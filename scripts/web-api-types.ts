/**
 * `npm run generate:api`: the web app's API types, from the OpenAPI document the gateway
 * serves (every service's, merged). Starts the shop on free ports with a data folder of its
 * own, reads /openapi.json, writes apps/web/src/api/schema.d.ts with openapi-typescript.
 * e2e/shop.test.ts checks the committed file against the running shop's document, so a
 * change to any route's schema that is not regenerated fails CI.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { freePort } from '../packages/platform/src/testing/ports.ts';

export const SCHEMA_FILE = fileURLToPath(new URL('../apps/web/src/api/schema.d.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const HEADER = `/**
 * The shop's public API as TypeScript types, generated from the gateway's merged OpenAPI
 * document by \`npm run generate:api\`. Do not edit: regenerate.
 */

`;

/** The types file for `document`: the same text for the same document, wherever the shop ran. */
export async function apiTypes(document: Record<string, unknown>): Promise<string> {
  // Where the shop ran is not part of its API.
  const portable = { ...document, servers: [{ url: '/' }] };
  const ast = await openapiTS(portable as Parameters<typeof openapiTS>[0], { alphabetize: true });
  return HEADER + astToString(ast);
}

/** Runs the shop (`npm start`, embedded, on free ports) and reads its merged OpenAPI document. */
async function documentFromTheShop(): Promise<Record<string, unknown>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'shop-openapi-'));
  // WEB_DIR names a folder with no build: the web app is neither built nor served, only the API is read.
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    WEB_DIR: dataDir,
    DATABASE_URL: '',
    AMQP_URL: '',
    REDIS_URL: '',
  };
  for (const name of [
    'GATEWAY',
    'ACCOUNT',
    'PRODUCT',
    'CART',
    'ORDER',
    'NOTIFICATION',
    'ANALYTICS',
    'GATEWAY_METRICS',
  ]) {
    env[`${name}_PORT`] = String(await freePort());
  }
  const gateway = `http://127.0.0.1:${env.GATEWAY_PORT}`;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'apps/stack/src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', DEMO_CATALOG: 'false', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const document = await fetch(`${gateway}/openapi.json`)
        .then((response) => (response.ok ? (response.json() as Promise<Record<string, unknown>>) : undefined))
        .catch(() => undefined);
      const complete =
        document && !String((document.info as { description?: string }).description).includes('not included');
      if (complete) return document;
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error('the shop did not serve its OpenAPI document');
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(SCHEMA_FILE, await apiTypes(await documentFromTheShop()));
  console.log(`wrote ${SCHEMA_FILE}`);
}
