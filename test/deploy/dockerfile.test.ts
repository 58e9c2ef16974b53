/**
 * deploy/Dockerfile and .dockerignore: dockerfile-utils finds no error or warning, and the
 * project's rules hold (multi-stage, npm ci with every workspace manifest, production
 * dependencies only in the image, NODE_ENV and HOST set, a numeric non-root user, a
 * HEALTHCHECK and ENTRYPOINT in exec form on files the build makes, the base image pinned
 * to an exact Node 22 tag). Each rule is also shown to catch a broken copy.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validate } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { dockerfileProblems, dockerignoreProblems, workspaces } from './dockerfile.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dockerfile = readFileSync(join(root, 'deploy/Dockerfile'), 'utf8');
const dockerignore = readFileSync(join(root, '.dockerignore'), 'utf8');

/** The Node major the image runs, as the README's deployment section names it. */
const NODE_MAJOR = 22;
/** The FROM of a stage built on the base image, as the Dockerfile writes it. */
const FROM_BASE = 'FROM $' + '{NODE_IMAGE}\n';

/** Whether the build makes `built` (apps/stack/dist/x.js) from a source in the repository (apps/stack/src/x.ts). */
const sourceOf = (built: string) => {
  const match = /^(.+)\/dist\/(.+)\.js$/.exec(built);
  return Boolean(match && existsSync(join(root, match[1] ?? '', 'src', `${match[2]}.ts`)));
};

const rules = { workspaceDirs: workspaces(root), nodeMajor: NODE_MAJOR, sourceOf };
const problemsOf = (text: string) => dockerfileProblems(text, rules);

/** The Dockerfile with `from` replaced by `to` (which must be there, so a mutation never silently does nothing). */
function mutated(from: string | RegExp, to: string): string {
  const changed = dockerfile.replace(from, to);
  expect(changed, `mutation of ${from}`).not.toBe(dockerfile);
  return changed;
}

describe('deploy/Dockerfile', () => {
  it('has no error or warning by dockerfile-utils', () => {
    expect(validate(dockerfile).map((diagnostic) => diagnostic.message)).toEqual([]);
  });

  it('dockerfile-utils catches a broken copy', () => {
    expect(validate(mutated('USER 1000:1000', 'user 1000:1000')).length).toBeGreaterThan(0);
    expect(validate(mutated('ENTRYPOINT ', 'ENTRYPOINT ["node"]\nENTRYPOINT ')).length).toBeGreaterThan(0);
    expect(validate(mutated('WORKDIR /app', 'WORKDIR app')).length).toBeGreaterThan(0);
  });

  it('keeps the project rules', () => {
    expect(rules.workspaceDirs.length).toBeGreaterThanOrEqual(10);
    expect(problemsOf(dockerfile)).toEqual([]);
  });

  it.each([
    ['an unpinned base image', /ARG NODE_IMAGE=.*/, 'ARG NODE_IMAGE=node:22-bookworm-slim', 'exact'],
    ['the latest base image', /ARG NODE_IMAGE=.*/, 'ARG NODE_IMAGE=node:latest', 'exact'],
    ['another Node major', /ARG NODE_IMAGE=.*/, 'ARG NODE_IMAGE=node:20.19.0-bookworm-slim', 'not 22'],
    ['a base image other than the ARG', FROM_BASE, 'FROM debian:bookworm\n', 'debian:bookworm'],
    [
      'npm install',
      '--ignore-scripts --no-audit --no-fund\nCOPY',
      '--ignore-scripts\nRUN npm install\nCOPY',
      'npm install',
    ],
    [
      'a workspace manifest left out',
      'COPY services/cart/package.json services/cart/\n',
      '',
      'services/cart/package.json',
    ],
    ['dev dependencies in the image', 'npm ci --omit=dev', 'npm ci', 'dev dependencies too'],
    [
      "the build stage's dependencies in the image",
      'COPY --from=production-dependencies',
      'COPY --from=build',
      'dev dependencies too',
    ],
    ['no dependencies in the image', /COPY --from=production-dependencies .*\n/, '', 'no installed dependencies'],
    ['npm in the final stage', 'RUN mkdir data', 'RUN npm ci && mkdir data', 'runs npm'],
    ['no NODE_ENV', 'NODE_ENV=production', 'NODE_ENV=development', 'NODE_ENV'],
    ['no HOST', 'HOST=0.0.0.0', 'HOST=127.0.0.1', 'HOST'],
    ['no USER', /USER 1000:1000/, '', 'root'],
    ['USER root', /USER 1000:1000/, 'USER 0', 'non-root'],
    ['a user by name', /USER 1000:1000/, 'USER node', 'numeric'],
    ['a shell-form ENTRYPOINT', /ENTRYPOINT .*/, 'ENTRYPOINT node apps/stack/dist/service.js', 'exec form'],
    ['an ENTRYPOINT without the production build', '"--conditions=production", ', '', 'production build'],
    ['an ENTRYPOINT on a file the build does not make', 'dist/service.js', 'dist/server.js', 'does not make'],
    ['a shell-form CMD', /ENTRYPOINT .*/, '$&\nCMD gateway', 'CMD'],
    ['no HEALTHCHECK', /HEALTHCHECK [^\n]*\\\n[^\n]*\n/, '', 'HEALTHCHECK'],
    [
      'a shell-form HEALTHCHECK',
      /CMD \["node", "apps\/stack\/dist\/healthcheck.js"\]/,
      'CMD curl -f localhost',
      'HEALTHCHECK',
    ],
  ])('catches %s', (_what, from, to, problem) => {
    expect(problemsOf(mutated(from, to)).join('\n')).toContain(problem);
  });

  it('catches a single-stage build', () => {
    const single = dockerfile.slice(dockerfile.lastIndexOf(`\n${FROM_BASE}`));
    expect(problemsOf(`ARG NODE_IMAGE=node:22.23.2-bookworm-slim${single}`).join('\n')).toContain('multi-stage');
  });
});

describe('.dockerignore', () => {
  it('leaves out installed and built output, data, git and secrets', () => {
    expect(dockerignoreProblems(dockerignore)).toEqual([]);
  });

  it('catches an entry left out', () => {
    expect(dockerignoreProblems(dockerignore.replace('**/node_modules\n', ''))).toEqual([
      '.dockerignore does not leave out **/node_modules',
    ]);
  });
});
