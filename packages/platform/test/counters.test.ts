import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registerCounter } from '../src/counters.ts';

describe('registerCounter', () => {
  it('when a counter is counted, then the registry exposes it with its labels and the service label', async () => {
    const registry = new Registry();
    registry.setDefaultLabels({ service: 'shop' });
    const counter = registerCounter(registry, { name: 'things_done_total', help: 'Things done', labelNames: ['kind'] });

    counter.inc({ kind: 'small' });
    counter.inc({ kind: 'small' });

    const text = await registry.metrics();
    expect(text).toContain('# TYPE things_done_total counter');
    expect(text).toContain('things_done_total{kind="small",service="shop"} 2');
  });

  it.each(['thingsDone_total', 'things_done', 'things-done_total', '_total'])(
    'when a counter is named %s, then it is refused: snake_case ending in _total',
    (name) => {
      expect(() => registerCounter(new Registry(), { name, help: 'x' })).toThrow(/snake_case and end in _total/);
    },
  );
});
