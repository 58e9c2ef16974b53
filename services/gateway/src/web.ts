import { existsSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import { type HttpApp, HttpProblem } from '@shop/platform';

/** The repository's web app build, used when WEB_DIR is empty. */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../../apps/web/dist', import.meta.url));

/** The web app folder to serve, or undefined when it has no index.html (not built). */
export function resolveWebDir(configured: string): string | undefined {
  const dir = resolve(configured || DEFAULT_WEB_DIR);
  return existsSync(join(dir, 'index.html')) ? dir : undefined;
}

/** Paths that are the API's, never the web app's: an unknown one is a 404 problem, not the SPA page. */
const API_PATH = /^\/(api|internal|\.well-known|health|metrics|docs|openapi\.json)(\/|$)/;

/**
 * The built web app at /: its files as they are (hashed /assets/* cached for a year,
 * index.html never without revalidation), and index.html for any other GET of a page
 * (Accept: text/html) so client-side routes survive a reload. Without a build, GET /
 * says where the API and its docs are.
 */
export async function registerWebApp(app: HttpApp, webDir: string | undefined): Promise<void> {
  if (!webDir) {
    app.get('/', { schema: { hide: true } }, async () => ({
      name: 'Shop API gateway',
      api: '/api',
      docs: '/docs',
      openapi: '/openapi.json',
      note: 'The web app is not built, so there is no page to serve here.',
    }));
    return;
  }
  const assets = `${join(webDir, 'assets')}${sep}`;
  await app.register(fastifyStatic, {
    root: webDir,
    wildcard: false,
    // The build's .br and .gz copies (apps/web/precompress.ts), for clients that take them.
    preCompressed: true,
    cacheControl: false,
    setHeaders: (reply, path) => {
      reply.header('cache-control', path.startsWith(assets) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const path = request.url.split('?', 1)[0] ?? '';
    // A file the build has now but did not have when the gateway started (a rebuild while
    // it runs): served like the others, not answered with the page.
    const file = builtFile(webDir, path);
    if (file) return reply.sendFile(file);
    const wantsPage = String(request.headers.accept ?? '').includes('text/html');
    if (API_PATH.test(path) || !wantsPage) {
      throw new HttpProblem(404, `No route for ${request.method} ${path}.`, { code: 'not_found' });
    }
    reply.header('cache-control', 'no-cache');
    return reply.sendFile('index.html');
  });
}

/** The path of a file of the build that `path` names, relative to `webDir`; undefined if none. */
function builtFile(webDir: string, path: string): string | undefined {
  let relative: string;
  try {
    relative = decodeURIComponent(path).replace(/^\/+/, '');
  } catch {
    return undefined;
  }
  if (!relative || API_PATH.test(path)) return undefined;
  const absolute = resolve(webDir, relative);
  if (!absolute.startsWith(`${webDir}${sep}`)) return undefined;
  return existsSync(absolute) && statSync(absolute).isFile() ? relative : undefined;
}
