/**
 * What the Prometheus tests share: promtool runs, Debian's Prometheus started on loopback
 * with a generated configuration, its HTTP API, and the metric names a PromQL expression
 * reads.
 */
import { execFile, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@shop/platform/testing';
import { stringify } from 'yaml';

const run = promisify(execFile);

/** `promtool <args>` in `cwd`: its exit code and everything it printed. */
export async function promtool(args: string[], cwd: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run('promtool', args, { cwd, timeout: 60_000 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : 1, output: `${failed.stdout}${failed.stderr}` };
  }
}

export interface RunningPrometheus {
  url: string;
  /** GET /api/v1/<path> with the given query parameters; the API's `data`, or a thrown error naming it. */
  api<T>(path: string, params?: Record<string, string | string[]>): Promise<T>;
  /** An instant query: the API's answer as is (status, data or error), for the caller to judge. */
  query(expr: string): Promise<QueryAnswer>;
  output(): string;
  stop(): Promise<void>;
}

export interface QueryAnswer {
  status: 'success' | 'error';
  error?: string;
  data?: { resultType: string; result: Array<{ metric: Record<string, string>; value: [number, string] }> };
}

/**
 * Debian's `prometheus` on a free loopback port with `config` (written to `dir`), its
 * data in `dir`; resolves once it answers /-/ready.
 */
export async function startPrometheus(config: object, dir: string): Promise<RunningPrometheus> {
  const file = join(dir, 'prometheus.yml');
  writeFileSync(file, stringify(config));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    'prometheus',
    [
      `--config.file=${file}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let text = '';
  child.stdout.on('data', (chunk) => {
    text += chunk;
  });
  child.stderr.on('data', (chunk) => {
    text += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ready = await fetch(`${url}/-/ready`).catch(() => undefined);
    if (ready?.ok) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`prometheus did not start:\n${text}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  const get = async (path: string, params: Record<string, string | string[]> = {}) => {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
      for (const one of Array.isArray(value) ? value : [value]) search.append(key, one);
    }
    const response = await fetch(`${url}/api/v1/${path}?${search}`);
    return (await response.json()) as QueryAnswer & { data: unknown };
  };
  return {
    url,
    api: async <T>(path: string, params: Record<string, string | string[]> = {}) => {
      const answer = await get(path, params);
      if (answer.status !== 'success') throw new Error(`${path}: ${answer.error}`);
      return answer.data as T;
    },
    query: (expr) => get('query', { query: expr }) as Promise<QueryAnswer>,
    output: () => text,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan']);

/**
 * The metric names a PromQL expression reads: its identifiers, less strings, label
 * matchers, ranges, grouping clauses, functions and operators' keywords.
 */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const match of bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const word = match[0];
    const next = bare.slice((match.index ?? 0) + word.length).trimStart();
    if (next.startsWith('(') || KEYWORDS.has(word.toLowerCase())) continue;
    names.add(word);
  }
  return [...names];
}
