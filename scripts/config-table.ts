/**
 * Prints the README's configuration table from the services' config schemas
 * (`npx tsx scripts/config-table.ts`), or with `--write` puts it in README.md in place of
 * the one there. test/readme.test.ts checks the README against it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { configTable } from '../test/config-schemas.ts';

const table = configTable();
if (process.argv.includes('--write')) {
  const file = new URL('../README.md', import.meta.url);
  const readme = readFileSync(file, 'utf8');
  const start = readme.search(/^\| *variable *\|/m);
  if (start < 0) throw new Error('README.md has no configuration table to replace');
  const end = readme.indexOf('\n\n', start);
  writeFileSync(file, `${readme.slice(0, start)}${table}${end < 0 ? '\n' : readme.slice(end)}`);
} else {
  console.log(table);
}
