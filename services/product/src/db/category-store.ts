import type { Db } from '@shop/platform';
import { asc, eq, gt } from 'drizzle-orm';
import type { CategoryStore } from '../domain/ports.ts';
import type { Category } from '../domain/product.ts';
import { categories } from './schema.ts';

const columns = { id: categories.id, name: categories.name, slug: categories.slug };

export class PgCategoryStore implements CategoryStore {
  constructor(private readonly db: Db) {}

  async list(after: number | undefined, limit: number): Promise<{ items: Category[]; nextAfterId: number | null }> {
    const rows = await this.db
      .select(columns)
      .from(categories)
      .where(after === undefined ? undefined : gt(categories.id, after))
      .orderBy(asc(categories.id))
      .limit(limit + 1);
    const items = rows.slice(0, limit);
    return { items, nextAfterId: rows.length > limit ? (items.at(-1)?.id ?? null) : null };
  }

  async create(name: string, slug: string): Promise<Category | null> {
    const [row] = await this.db.insert(categories).values({ name, slug }).onConflictDoNothing().returning(columns);
    return row ?? null;
  }

  async exists(id: number): Promise<boolean> {
    const [row] = await this.db.select({ id: categories.id }).from(categories).where(eq(categories.id, id));
    return row !== undefined;
  }
}
