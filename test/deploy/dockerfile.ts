/**
 * Reads a Dockerfile into its stages and instructions (continuation lines joined, comments
 * dropped), and checks it against the rules this project's image keeps. Each rule returns
 * a problem in words, so a test can feed a broken copy and expect that very problem.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  /** What FROM names: an image, an ARG reference or an earlier stage. */
  from: string;
  name: string | undefined;
  instructions: Instruction[];
}

export interface Dockerfile {
  /** ARG instructions before the first FROM, with their defaults. */
  globalArgs: Map<string, string>;
  stages: Stage[];
}

export function parseDockerfile(text: string): Dockerfile {
  const logical: string[] = [];
  let pending = '';
  for (const line of text.split('\n')) {
    if (/^\s*#/.test(line)) continue; // a comment, also inside a continued instruction
    const continued = /\\\s*$/.test(line);
    pending += `${line.replace(/\\\s*$/, '')} `;
    if (continued) continue;
    if (pending.trim()) logical.push(pending.trim().replace(/\s+/g, ' '));
    pending = '';
  }
  if (pending.trim()) logical.push(pending.trim().replace(/\s+/g, ' '));

  const dockerfile: Dockerfile = { globalArgs: new Map(), stages: [] };
  for (const line of logical) {
    const [keyword = '', ...rest] = line.split(' ');
    const instruction = { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    if (instruction.keyword === 'FROM') {
      const [from = '', as, name] = rest.filter((word) => !word.startsWith('--'));
      dockerfile.stages.push({ from, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else if (dockerfile.stages.length === 0) {
      if (instruction.keyword === 'ARG') {
        const [key = '', value = ''] = instruction.args.split('=');
        dockerfile.globalArgs.set(key, value);
      }
    } else {
      dockerfile.stages.at(-1)?.instructions.push(instruction);
    }
  }
  return dockerfile;
}

/** The instruction's arguments as a JSON array (exec form), or undefined (shell form). */
export function execForm(instruction: Instruction | undefined): string[] | undefined {
  const args = instruction?.args.replace(/^(--\S+\s+)*(CMD\s+)?/, '');
  try {
    const parsed: unknown = JSON.parse(args ?? '');
    return Array.isArray(parsed) && parsed.every((part) => typeof part === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The final stage's environment, from its ENV instructions (`KEY=value` pairs), ARG defaults filled in. */
export function imageEnvironment(dockerfile: Dockerfile): Record<string, string> {
  const final = dockerfile.stages.at(-1);
  const args = new Map(dockerfile.globalArgs);
  const env: Record<string, string> = {};
  for (const { keyword, args: text } of final?.instructions ?? []) {
    if (keyword === 'ARG') {
      const [key = '', value = ''] = text.split('=');
      args.set(key, value);
    }
    if (keyword !== 'ENV') continue;
    for (const pair of text.split(' ')) {
      const [key = '', value = ''] = pair.split('=');
      env[key] = value.replace(/\$\{(\w+)\}/g, (_, name: string) => args.get(name) ?? '');
    }
  }
  return env;
}

/** The final stage's WORKDIR, where the service starts. */
export function imageWorkdir(dockerfile: Dockerfile): string {
  return (
    dockerfile.stages
      .at(-1)
      ?.instructions.filter(({ keyword }) => keyword === 'WORKDIR')
      .at(-1)?.args ?? '/'
  );
}

const runs = (stage: Stage, pattern: RegExp) =>
  stage.instructions.some(({ keyword, args }) => keyword === 'RUN' && pattern.test(args));

/** The stages `stage` is built on: itself, then what its FROM names, back to the base image. */
function lineage(dockerfile: Dockerfile, stage: Stage): Stage[] {
  const parent = dockerfile.stages.find((candidate) => candidate.name === stage.from);
  return parent ? [stage, ...lineage(dockerfile, parent)] : [stage];
}

/** The workspace folders of the repository at `root`, from its package.json's "workspaces". */
export function workspaces(root: string): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[] };
  // Patterns are folders or `folder/*`, as npm takes them.
  const expand = (pattern: string) =>
    pattern.endsWith('/*')
      ? readdirSync(join(root, pattern.slice(0, -2))).map((entry) => `${pattern.slice(0, -2)}/${entry}`)
      : [pattern];
  return pkg.workspaces
    .flatMap(expand)
    .filter((dir) => existsSync(join(root, dir, 'package.json')))
    .sort();
}

/** Paths the image's build context must leave out: installed and built output, local data, git, secrets. */
const MUST_IGNORE = ['.git', '**/node_modules', '**/dist', 'data', '**/.env'];

/** What is wrong with the .dockerignore (empty: nothing). */
export function dockerignoreProblems(text: string): string[] {
  const entries = new Set(
    text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#')),
  );
  return MUST_IGNORE.filter((entry) => !entries.has(entry)).map((entry) => `.dockerignore does not leave out ${entry}`);
}

/**
 * What is wrong with the Dockerfile by this project's rules (empty: nothing):
 * `workspaceDirs` are the workspaces whose manifests `npm ci` needs; `sourceOf` says
 * whether a file the image runs is built from a source in the repository.
 */
export function dockerfileProblems(
  text: string,
  options: { workspaceDirs: string[]; nodeMajor: number; sourceOf: (built: string) => boolean },
): string[] {
  const problems: string[] = [];
  const dockerfile = parseDockerfile(text);
  const { stages } = dockerfile;
  const final = stages.at(-1);
  if (!final || stages.length < 2) return ['not a multi-stage build (a build stage and the image that runs)'];
  const names = new Set(stages.map((stage) => stage.name));

  // The base image: pinned by its exact tag, Node of the major the README names.
  for (const stage of stages) {
    if (names.has(stage.from)) continue;
    const image = stage.from.replace(/^\$\{?(\w+)\}?$/, (_, arg: string) => dockerfile.globalArgs.get(arg) ?? '');
    const tag = /^(?:docker\.io\/)?(?:library\/)?node:(\d+)\.\d+\.\d+-bookworm-slim$/.exec(image);
    if (!tag) problems.push(`base image "${image}" is not node pinned to an exact x.y.z-bookworm-slim tag`);
    else if (Number(tag[1]) !== options.nodeMajor)
      problems.push(`base image is Node ${tag[1]}, not ${options.nodeMajor}`);
  }

  // Dependencies: npm ci only, with every workspace's manifest copied before it.
  const all = stages.flatMap((stage) => stage.instructions);
  if (all.some(({ keyword, args }) => keyword === 'RUN' && /\bnpm (install|i)\b/.test(args))) {
    problems.push('installs with npm install, not npm ci');
  }
  const ciStages = stages.filter((stage) => runs(stage, /\bnpm ci\b/));
  for (const stage of ciStages) {
    const copied = lineage(dockerfile, stage)
      .flatMap((each) => each.instructions)
      .filter(({ keyword }) => keyword === 'COPY' || keyword === 'ADD')
      .map(({ args }) => args);
    for (const dir of options.workspaceDirs) {
      if (!copied.some((args) => args.includes(`${dir}/package.json`))) {
        problems.push(`stage ${stage.name ?? '(unnamed)'} runs npm ci without ${dir}/package.json`);
      }
    }
  }
  if (!stages.some((stage) => runs(stage, /\bnpm ci\b/) && runs(stage, /\bnpm run build\b/))) {
    problems.push('no stage runs npm ci and then npm run build');
  }

  // The image that runs: production dependencies only, from a stage that installed just those.
  if (runs(final, /\bnpm\b/)) problems.push('the final stage runs npm: it should copy what earlier stages made');
  // A copy brings installed dependencies when it takes node_modules or a whole installed workspace.
  const workdirOf = (stage: Stage) =>
    lineage(dockerfile, stage)
      .flatMap((each) => each.instructions.filter(({ keyword }) => keyword === 'WORKDIR').reverse())
      .at(0)?.args;
  const dependencyCopies = final.instructions.flatMap(({ keyword, args }) => {
    const [, from, sources = ''] = /--from=(\S+)\s+(.+)\s+\S+$/.exec(args) ?? [];
    const stage = stages.find((candidate) => candidate.name === from);
    if (keyword !== 'COPY' || !stage || !lineage(dockerfile, stage).some((each) => runs(each, /\bnpm ci\b/))) return [];
    const workdir = workdirOf(stage)?.replace(/\/$/, '');
    const takes = sources
      .split(' ')
      .some((source) => /node_modules/.test(source) || source.replace(/\/$/, '') === workdir);
    return takes ? [stage] : [];
  });
  if (dependencyCopies.length === 0) problems.push('the final stage copies no installed dependencies');
  for (const stage of dependencyCopies) {
    if (!runs(stage, /\bnpm ci\b.*--omit=dev/)) {
      problems.push(`the final stage copies dependencies from ${stage.name}, which installs dev dependencies too`);
    }
  }

  const env = imageEnvironment(dockerfile);
  if (env.NODE_ENV !== 'production') problems.push('the image does not set NODE_ENV=production');
  if (env.HOST !== '0.0.0.0') problems.push('the image does not set HOST=0.0.0.0');

  // Not root: a numeric user (so Kubernetes' runAsNonRoot can check it) other than 0.
  const user = final.instructions.filter(({ keyword }) => keyword === 'USER').at(-1)?.args;
  if (!user) problems.push('the image runs as root (no USER)');
  else if (!/^[1-9]\d*(:\d+)?$/.test(user)) problems.push(`USER ${user} is not a non-root numeric user`);

  // Exec form, so that node is the container's first process and gets SIGTERM itself.
  const entrypoint = final.instructions.filter(({ keyword }) => keyword === 'ENTRYPOINT').at(-1);
  const command = execForm(entrypoint);
  if (!command) problems.push('ENTRYPOINT is missing or not in exec form');
  else {
    if (command[0] !== 'node') problems.push(`ENTRYPOINT starts ${command[0]}, not node`);
    if (!command.includes('--conditions=production')) problems.push('ENTRYPOINT does not run the production build');
    const script = command.find((part) => part.endsWith('.js'));
    if (!script || !options.sourceOf(script)) problems.push(`ENTRYPOINT runs ${script}, which the build does not make`);
  }
  const cmd = final.instructions.filter(({ keyword }) => keyword === 'CMD').at(-1);
  if (cmd && !execForm(cmd)) problems.push('CMD is not in exec form');

  const healthcheck = final.instructions.filter(({ keyword }) => keyword === 'HEALTHCHECK').at(-1);
  const probe = execForm(healthcheck);
  if (!probe) problems.push('HEALTHCHECK is missing or not in exec form');
  else {
    const script = probe.find((part) => part.endsWith('.js'));
    if (probe[0] !== 'node' || !script || !options.sourceOf(script)) {
      problems.push(`HEALTHCHECK runs ${probe.join(' ')}, not node on a file the build makes`);
    }
  }
  return problems;
}
