import { describeConfig } from '@shop/platform';
import type { TSchema } from 'typebox';
import { AccountConfigSchema } from '../services/account/src/config.ts';

/** Every service's configuration schema, by service name. */
export const CONFIG_SCHEMAS: Record<string, TSchema> = {
  account: AccountConfigSchema,
};

/** The README's configuration table: one row per variable, the services that read it, default, meaning. */
export function configTable(): string {
  const rows = new Map<string, { services: string[]; default: string; description: string }>();
  for (const [service, schema] of Object.entries(CONFIG_SCHEMAS)) {
    for (const entry of describeConfig(schema)) {
      const row = rows.get(entry.name);
      if (row) row.services.push(service);
      else rows.set(entry.name, { services: [service], default: entry.default, description: entry.description });
    }
  }
  const lines = ['| variable | services | default | what it does |', '|---|---|---|---|'];
  for (const [name, row] of rows) {
    const value = row.default === '' ? '(empty)' : `\`${row.default}\``;
    lines.push(`| \`${name}\` | ${row.services.join(', ')} | ${value} | ${row.description} |`);
  }
  return lines.join('\n');
}
