import { Counter, type Registry } from 'prom-client';

export type { Counter, Registry } from 'prom-client';

/** Prometheus's naming rule for counters: snake_case, ending in `_total`. */
const COUNTER_NAME = /^[a-z][a-z0-9_]*_total$/;

/**
 * A counter of a service's own, in its registry (the one its /metrics serves). Services
 * count through this rather than prom-client, so every counter keeps the naming rule;
 * labels must take few values (a route, a queue, never an id or an e-mail address).
 */
export function registerCounter<L extends string = never>(
  registry: Registry,
  options: { name: string; help: string; labelNames?: readonly L[] },
): Counter<L> {
  if (!COUNTER_NAME.test(options.name)) {
    throw new Error(`Counter name '${options.name}' must be snake_case and end in _total.`);
  }
  return new Counter<L>({
    name: options.name,
    help: options.help,
    labelNames: options.labelNames ?? [],
    registers: [registry],
  });
}
