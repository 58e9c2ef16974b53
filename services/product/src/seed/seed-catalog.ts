/**
 * `npm run seed:catalog -- --products 10000 [--seed 1]`: loads a large synthetic catalog
 * for benchmarks and pagination by hand. Server mode when DATABASE_URL (or
 * PRODUCT_DATABASE_URL) is set, else the embedded database under DATA_DIR, which only
 * one process may open: stop the shop first.
 *
 * Bulk seeding writes no outbox events: it is a load for benchmarks, not catalog edits,
 * and 10,000 product.created events would only flood the other services' read models.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { type Db, openServiceDatabase } from '@shop/platform';
import { inArray, sql } from 'drizzle-orm';
import { MIGRATIONS_FOLDER } from '../app.ts';
import { loadProductConfig } from '../config.ts';
import { categories, products } from '../db/schema.ts';
import { DEMO_CATEGORIES } from './demo-catalog.ts';
import { syntheticProducts } from './synthetic-catalog.ts';

/** Rows per INSERT: 1,000 × 5 parameters stays far below PostgreSQL's 65,535. */
const BATCH_SIZE = 1_000;
const MAX_PRODUCTS = 10_000_000;

export interface SeedOptions {
  products: number;
  seed?: number;
  batchSize?: number;
}

export interface SeedResult {
  inserted: number;
  categoriesCreated: number;
  milliseconds: number;
}

/**
 * Creates the demo categories that are missing (by slug), adds `products` synthetic
 * products in multi-row batches, one transaction each, then runs ANALYZE so the planner
 * sees the loaded table (README "Conventions": statistics after loading, never before).
 */
export async function seedCatalog(db: Db, options: SeedOptions): Promise<SeedResult> {
  const started = performance.now();
  const slugs = DEMO_CATEGORIES.map((category) => category.slug);
  const existing = await db.select({ slug: categories.slug }).from(categories).where(inArray(categories.slug, slugs));
  const have = new Set(existing.map((row) => row.slug));
  const missing = DEMO_CATEGORIES.filter((category) => !have.has(category.slug));
  const created =
    missing.length === 0
      ? []
      : await db
          .insert(categories)
          .values(missing.map(({ name, slug }) => ({ name, slug })))
          .onConflictDoNothing()
          .returning({ id: categories.id });
  const ids = new Map(
    (
      await db
        .select({ id: categories.id, slug: categories.slug })
        .from(categories)
        .where(inArray(categories.slug, slugs))
    ).map((row) => [row.slug, row.id]),
  );
  // A category of the same name under another slug would block the insert above.
  const unresolved = slugs.filter((slug) => !ids.has(slug));
  if (unresolved.length > 0) {
    throw new Error(`could not create the categories ${unresolved.join(', ')}: a category has the same name`);
  }

  const batchSize = options.batchSize ?? BATCH_SIZE;
  let batch: (typeof products.$inferInsert)[] = [];
  let inserted = 0;
  const flush = async () => {
    const rows = batch;
    batch = [];
    await db.transaction(async (tx) => {
      await tx.insert(products).values(rows);
    });
    inserted += rows.length;
  };
  for (const item of syntheticProducts(options.products, slugs, options.seed)) {
    batch.push({
      name: item.name,
      description: item.description,
      priceCents: item.price_cents,
      stock: item.stock,
      categoryId: ids.get(item.category)!,
    });
    if (batch.length >= batchSize) await flush();
  }
  if (batch.length > 0) await flush();

  await db.execute(sql`analyze ${products}, ${categories}`);
  return { inserted, categoriesCreated: created.length, milliseconds: performance.now() - started };
}

const USAGE = `usage: npm run seed:catalog -- [--products N] [--seed S]

  --products N  how many synthetic products to add (default 1000, at most ${MAX_PRODUCTS.toLocaleString('en')})
  --seed S      seed of the generator (default 1): the same seed gives the same products

Server mode when DATABASE_URL (or PRODUCT_DATABASE_URL) is set; otherwise the embedded
database under DATA_DIR (default ./data), which the shop must not be using meanwhile.
The demo categories are created if missing; the products are added to what is there.`;

/** The command line's options, or a message saying what is wrong with it. */
export function parseSeedArgs(args: string[]): SeedOptions | { error: string } | 'help' {
  let values: { products?: string; seed?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: { products: { type: 'string' }, seed: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return { error: (error as Error).message };
  }
  if (values.help) return 'help';
  const products = wholeNumber(values.products ?? '1000');
  if (products === undefined || products < 1 || products > MAX_PRODUCTS) {
    return { error: `--products must be a whole number from 1 to ${MAX_PRODUCTS}, got "${values.products}"` };
  }
  const seed = values.seed === undefined ? undefined : wholeNumber(values.seed);
  if (values.seed !== undefined && (seed === undefined || seed > 0xffffffff)) {
    return { error: `--seed must be a whole number from 0 to ${0xffffffff}, got "${values.seed}"` };
  }
  return { products, seed };
}

function wholeNumber(text: string): number | undefined {
  return /^[0-9]{1,10}$/.test(text.replace(/_/g, '')) ? Number(text.replace(/_/g, '')) : undefined;
}

async function main(): Promise<number> {
  const parsed = parseSeedArgs(process.argv.slice(2));
  if (parsed === 'help') {
    console.log(USAGE);
    return 0;
  }
  if ('error' in parsed) {
    console.error(`${parsed.error}\n\n${USAGE}`);
    return 2;
  }
  const config = loadProductConfig();
  const mode = config.DATABASE_URL ? 'PostgreSQL' : `the embedded database in ${config.DATA_DIR}`;
  let storage: Awaited<ReturnType<typeof openServiceDatabase>>;
  try {
    storage = await openServiceDatabase({
      service: 'product',
      migrationsFolder: MIGRATIONS_FOLDER,
      databaseUrl: config.DATABASE_URL,
      dataDir: config.DATA_DIR,
    });
  } catch (error) {
    const message = (error as Error).message;
    // The data-dir lock: embedded PGlite is one process's database.
    const hint = message.startsWith('Another process')
      ? ' If so, stop it first: the embedded database is one process’s.'
      : '';
    console.error(`cannot open ${mode}: ${message}${hint}`);
    return 1;
  }
  try {
    const result = await seedCatalog(storage.database.db, parsed);
    const seconds = (result.milliseconds / 1000).toFixed(1);
    const rate = Math.round(result.inserted / (result.milliseconds / 1000));
    console.log(
      `inserted ${result.inserted} products (and ${result.categoriesCreated} categories) into ${mode} ` +
        `in ${seconds} s (${rate} products/s), then ran ANALYZE`,
    );
    return 0;
  } finally {
    await storage.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: Error) => {
      console.error(`seeding failed: ${error.message}`);
      process.exitCode = 1;
    },
  );
}
