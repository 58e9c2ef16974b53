import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configTable } from './config-schemas.ts';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
/** Tables compare cell by cell: column padding is the formatter's business. */
const cells = (text: string) => text.replace(/ *\| */g, '|').replace(/\|-+/g, '|-');

describe('README', () => {
  it('when the configuration schemas change, then the README table still lists every variable with its default', () => {
    expect(cells(readme)).toContain(cells(configTable()));
  });

  it('when a newcomer reads it, then it shows the two commands', () => {
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm test');
  });
});
