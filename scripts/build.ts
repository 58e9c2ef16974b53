/**
 * `npm run build`: the production build. Every server package to `dist/` (see
 * server-build.ts), then the web app for the gateway to serve. Production runs
 * `node --conditions=production apps/stack/dist/service.js <service>` on the result.
 */
import { ensureWebBuild } from '../apps/stack/src/web-build.ts';
import { buildPackage, serverPackages } from './server-build.ts';

const started = performance.now();
for (const packageDir of serverPackages()) {
  const modules = await buildPackage(packageDir);
  console.log(`built ${packageDir}/dist (${modules} modules)`);
}
console.log((await ensureWebBuild()) ? 'built apps/web/dist' : 'apps/web/dist is current');
console.log(`build done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
