import { createRequire } from 'node:module';
import { cruise, type IViolation } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const rules = require('../.dependency-cruiser.cjs');

describe('architecture', () => {
  it('when the source tree is cruised, then no import crosses a service, layer or package line', async () => {
    const result = await cruise(['packages', 'services', 'apps'], {
      validate: true,
      ruleSet: { forbidden: rules.forbidden },
      ...rules.options,
    });
    const output = result.output as { summary: { violations: IViolation[] }; modules: unknown[] };
    expect(output.modules.length).toBeGreaterThan(20);
    const violations = output.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
    expect(violations).toEqual([]);
  });
});
