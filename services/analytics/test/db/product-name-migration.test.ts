import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { databaseTargets } from '@shop/platform/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER } from '../../src/app.ts';
import { fixtureEvents } from '../fixture.ts';
import { buildTestAnalytics, publishAndLog, snapshot, type TestAnalytics } from '../helpers.ts';

/** The statements of migration 0002 after its CREATE TABLE: the names of the facts already there. */
function backfill(): string {
  const text = readFileSync(join(MIGRATIONS_FOLDER, '0002_product_name.sql'), 'utf8');
  const [, ...rest] = text.split('--> statement-breakpoint');
  return rest.join('\n');
}

describe.each(databaseTargets())('the product names of migration 0002 ($name)', (target) => {
  let service: TestAnalytics;

  beforeAll(async () => {
    service = await buildTestAnalytics(target);
  });
  afterAll(async () => {
    await service?.close();
  });

  it('when the facts were taken in before the names were kept, then the migration gives every product the name the ETL keeps', async () => {
    const { inOrder } = fixtureEvents();
    await publishAndLog(service, inOrder, inOrder.length);
    await service.context.refresh();
    const kept = (await snapshot(service.database)).product_name;
    expect(JSON.parse(kept ?? '[]').map((row: { name: string }) => row.name)).toEqual([
      'Espresso machine II',
      'Beans',
      'Paper filter',
    ]);

    await service.database.db.execute(sql`truncate analytics.product_name`);
    await service.database.db.execute(sql.raw(backfill()));
    expect((await snapshot(service.database)).product_name).toBe(kept);
  });
});
