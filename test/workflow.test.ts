/**
 * The GitHub workflow, read by GitHub's own workflow parser (@actions/workflow-parser, the
 * one behind the Actions language service): it must be valid, run on pushes and pull
 * requests, bring the servers the tests need, and run what .ci/run runs. The commands are
 * read from .ci/run itself, so the two cannot drift apart unnoticed.
 */
import { readFileSync } from 'node:fs';
import { register } from 'node:module';
import type { WorkflowTemplate } from '@actions/workflow-parser';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import { describe, expect, it } from 'vitest';

// The parser imports its JSON schemas without `with { type: 'json' }`, which Node refuses
// (actions/languageservices#387); this hook adds the attribute to such imports.
register(
  `data:text/javascript,${encodeURIComponent(`
    export async function load(url, context, nextLoad) {
      if (!url.endsWith('.json') || context.importAttributes?.type) return nextLoad(url, context);
      return nextLoad(url, { ...context, importAttributes: { ...context.importAttributes, type: 'json' } });
    }`)}`,
);
const {
  convertWorkflowTemplate,
  isBasicExpression,
  isLiteral,
  isMapping,
  isSequence,
  NoOperationTraceWriter,
  parseWorkflow,
} = await import('@actions/workflow-parser');

// biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a JavaScript template
const matrixNode = '${{ matrix.node }}';
const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
const workflowText = read('.github/workflows/ci.yml');
const ciRun = read('.ci/run');

/**
 * The workflow as GitHub reads it: the errors, the converted model (triggers, jobs, steps)
 * and the parsed document for what the model leaves out (a step's `with`).
 */
async function loadWorkflow(
  content: string,
): Promise<{ errors: string[]; template?: WorkflowTemplate; document?: Plain }> {
  const parsed = parseWorkflow({ name: 'ci.yml', content }, new NoOperationTraceWriter());
  if (!parsed.value) return { errors: parsed.context.errors.getErrors().map((error) => error.message) };
  const template = await convertWorkflowTemplate(parsed.context, parsed.value);
  // Conversion reports into the same context, and into the template when it gives up.
  const errors = parsed.context.errors.getErrors().map((error) => error.message);
  for (const error of template.errors ?? []) errors.push(error.Message);
  return { errors: [...new Set(errors)], template, document: plain(parsed.value) };
}

type Plain = string | number | boolean | null | Plain[] | { [key: string]: Plain };

/** The parser's tokens as plain values; an expression stays as its `${{ ... }}` text. */
function plain(token: TemplateToken | undefined): Plain {
  if (!token) return null;
  if (isMapping(token)) return Object.fromEntries([...token].map(({ key, value }) => [key.toString(), plain(value)]));
  if (isSequence(token)) return [...token].map(plain);
  if (isBasicExpression(token)) return token.toDisplayString();
  if (isLiteral(token)) return (token as unknown as { value: string | number | boolean | null }).value;
  return token.toString();
}

/**
 * What .ci/run runs, line by line: every statement that calls npm or one of the .ci/
 * scripts, with the environment assignments in front of it split off.
 */
function ciRunCommands(): { command: string; env: Record<string, string> }[] {
  return ciRun
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#') && !/^(echo|export)\b/.test(line))
    .filter((line) => /\bnpm\s|\.ci\//.test(line))
    .map((line) => {
      const env: Record<string, string> = {};
      let command = line;
      for (let match = /^([A-Z_]+)=(\S+)\s+/.exec(command); match; match = /^([A-Z_]+)=(\S+)\s+/.exec(command)) {
        env[match[1]!] = match[2]!;
        command = command.slice(match[0].length);
      }
      return { command, env };
    });
}

const loaded = await loadWorkflow(workflowText);
const job = loaded.template?.jobs[0];
const jobEnv = plain(job && 'env' in job ? job.env : undefined) as Record<string, string>;
const steps = job && job.type === 'job' ? job.steps : [];
const runSteps = steps.flatMap((step) =>
  'run' in step ? [{ run: String(plain(step.run)), env: (plain(step.env) ?? {}) as Record<string, string> }] : [],
);

describe('GitHub workflow', () => {
  it('when GitHub parses it, then it finds no error and one job', () => {
    expect(loaded.errors).toEqual([]);
    expect(loaded.template?.jobs).toHaveLength(1);
    expect(job?.type).toBe('job');
  });

  it('when code is pushed or a pull request opened, then it runs', () => {
    expect(Object.keys(loaded.template?.events ?? {})).toEqual(expect.arrayContaining(['push', 'pull_request']));
  });

  it('when the tests look for PostgreSQL, Redis, RabbitMQ and ClickHouse, then service containers answer on the ports .ci/run waits for', () => {
    const services = plain(job && 'services' in job ? job.services : undefined) as Record<
      string,
      { image: string; ports: string[]; options: string }
    >;
    const images = Object.values(services).map((service) => service.image.split(':')[0]);
    expect(images.sort()).toEqual(['clickhouse/clickhouse-server', 'postgres', 'rabbitmq', 'redis']);
    for (const service of Object.values(services)) expect(service.options).toContain('--health-cmd');

    const awaited = [...ciRun.matchAll(/port_open (\d+);/g)].map((match) => match[1]);
    expect(awaited.length).toBeGreaterThanOrEqual(3);
    const published = Object.values(services).flatMap((service) => service.ports.map((port) => port.split(':')[0]));
    expect(published.sort()).toEqual(awaited.sort());
  });

  it('when the tests run, then they see the same CI=true and server URLs that .ci/run exports', () => {
    expect(String(jobEnv.CI)).toBe('true');
    const exported = [...ciRun.matchAll(/^export (TEST_\w+)="\$\{\1:-([^}]+)\}"/gm)];
    expect(exported.length).toBeGreaterThanOrEqual(3);
    for (const [, name, value] of exported) expect(jobEnv[name!], name).toBe(value);
  });

  it('when .ci/run runs a command, then the workflow runs it too, with the same environment', () => {
    const commands = ciRunCommands();
    expect(commands.map(({ command }) => command)).toEqual(
      expect.arrayContaining(['npm run lint', 'npm run typecheck', '.ci/no-skips npm test']),
    );
    for (const { command, env } of commands) {
      if (command.includes('.ci/unit-tests-on-node')) continue; // the matrix covers it, below
      const step = runSteps.find(({ run }) => run.includes(command));
      expect(step, `a step runs: ${command}`).toBeDefined();
      for (const [name, value] of Object.entries(env)) expect(String(step?.env[name]), name).toBe(value);
    }
  });

  it('when .ci/run runs the tests again on another Node, then the matrix runs every test on that Node, and on the oldest supported and the .nvmrc one', () => {
    const matrix = (plain(job?.strategy) as { matrix: { node: number[] } }).matrix.node.map(String);
    const rerun = [...ciRun.matchAll(/\.ci\/unit-tests-on-node (\d+)/g)].map((match) => match[1]);
    expect(rerun.length).toBeGreaterThan(0);
    const oldest = /(\d+)/.exec(JSON.parse(read('package.json')).engines.node)?.[1];
    expect(matrix).toEqual(expect.arrayContaining([...rerun, oldest, read('.nvmrc').trim()]));
    const document = loaded.document as { jobs: Record<string, { steps: { uses?: string; with?: Plain }[] }> };
    const jobSteps = Object.values(document.jobs)[0]?.steps ?? [];
    const setupNode = jobSteps.find((step) => step.uses?.startsWith('actions/setup-node@'));
    expect(setupNode?.with).toMatchObject({ 'node-version': matrixNode });
  });

  it('when a workflow is broken, then the parser reports it', async () => {
    const misspelled = await loadWorkflow(workflowText.replace('runs-on:', 'runs_on:'));
    expect(misspelled.errors.join('\n')).toMatch(/runs_on|runs-on/);

    const badExpression = await loadWorkflow(workflowText.replace(matrixNode, matrixNode.replace('}}', '')));
    expect(badExpression.errors.length).toBeGreaterThan(0);

    const noTrigger = await loadWorkflow(workflowText.replace(/^on:[\s\S]*?^permissions:/m, 'permissions:'));
    expect(noTrigger.errors.length).toBeGreaterThan(0);
  });
});
