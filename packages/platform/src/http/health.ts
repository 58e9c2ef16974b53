import type { FastifyInstance } from 'fastify';
import { HttpProblem } from './problem.ts';

/** A named dependency check; it throws or rejects when the dependency is not usable. */
export interface ReadinessCheck {
  name: string;
  check: () => Promise<void>;
}

const CHECK_TIMEOUT_MS = 2_000;

export function registerHealth(app: FastifyInstance, checks: ReadonlyArray<ReadinessCheck>): void {
  app.get('/health/live', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/health/ready', { schema: { hide: true } }, async (request) => {
    const results = await Promise.all(
      checks.map(async ({ name, check }) => {
        try {
          await withTimeout(check(), CHECK_TIMEOUT_MS);
          return { name, ok: true };
        } catch (error) {
          request.log.warn({ err: error, check: name }, 'readiness check failed');
          return { name, ok: false };
        }
      }),
    );
    const failed = results.filter((result) => !result.ok).map((result) => result.name);
    if (failed.length > 0) {
      throw new HttpProblem(503, `Not ready: ${failed.join(', ')} unavailable.`, {
        code: 'unavailable',
        errors: failed.map((name) => ({ dependency: name, status: 'down' })),
      });
    }
    return { status: 'ok', checks: Object.fromEntries(results.map((result) => [result.name, 'ok'])) };
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
