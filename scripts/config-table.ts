/**
 * Prints the README's configuration table from the services' config schemas
 * (`npx tsx scripts/config-table.ts`). test/readme.test.ts checks the README against it.
 */
import { configTable } from '../test/config-schemas.ts';

console.log(configTable());
