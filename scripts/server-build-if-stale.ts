/**
 * The first step of `npm start`: builds every server package whose `dist/` is missing or
 * older than its sources (server-build.ts), so that the shop then runs on plain Node from
 * the build (`node --conditions=production apps/stack/dist/main.js`), without a TypeScript
 * loader in its process. A current build costs a look at the files' times.
 */
import { buildServer } from './server-build.ts';

const started = performance.now();
const built = await buildServer();
if (built.length > 0) {
  console.log(`built ${built.join(', ')} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
