import { readFileSync } from 'node:fs';
import { describeConfig } from '@shop/platform';
import { describe, expect, it } from 'vitest';
import { GatewayConfigSchema } from '../src/config.ts';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
/** Tables compare cell by cell: column padding is the formatter's business. */
const cells = (text: string) => text.replace(/ *\| */g, '|').replace(/\|-+/g, '|-');

describe('README', () => {
  it('when the configuration schema changes, then the README table still lists every variable with its default', () => {
    const show = (value: string) => (value === '' ? '(empty)' : `\`${value}\``);
    const table = [
      '| variable | default | what it does |',
      '|---|---|---|',
      ...describeConfig(GatewayConfigSchema).map(
        (row) => `| \`${row.name}\` | ${show(row.default)} | ${row.description} |`,
      ),
    ].join('\n');
    expect(cells(readme)).toContain(cells(table));
  });
});
