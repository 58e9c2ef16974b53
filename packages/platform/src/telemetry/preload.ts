import { createRequire } from 'node:module';

/**
 * The CommonJS packages the instrumentations patch. require-in-the-middle patches a
 * module as `require` loads it; the services import these from ES modules, which Node
 * loads without passing through `require` (ioredis's entry point, always; the files
 * inside pg and amqplib that their own `require` calls load, depending on the Node
 * version and on loader hooks such as tsx's).
 */
const INSTRUMENTED = ['ioredis', 'pg', 'amqplib'];

/**
 * Requires those packages once, after the instrumentations are enabled, so that they are
 * patched as they load; a later `import` of one gets the same, patched, module from
 * Node's CommonJS cache. Does what import-in-the-middle's loader hook would do for them,
 * without a loader thread that every module resolution of the process passes through.
 */
export function loadInstrumentedModules(): void {
  const require = createRequire(import.meta.url);
  for (const name of INSTRUMENTED) require(name);
}
