import { type Api, unwrap } from './client';
import type { Category } from './types';

/** Every category, all pages of them (a shop has a handful), by name: forms choose among them, lists name them. */
export async function loadAllCategories(api: Api): Promise<Category[]> {
  const all: Category[] = [];
  let cursor: string | undefined;
  do {
    const page = await unwrap(api.GET('/api/categories', { params: { query: { limit: 100, cursor } } }));
    all.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return all.sort((a, b) => a.name.localeCompare(b.name));
}

const perVisit = new WeakMap<Api, Promise<Category[]>>();

/** The same, read once per visit (per session's client); a failed read is tried again next time. */
export function loadCategoriesOnce(api: Api): Promise<Category[]> {
  let categories = perVisit.get(api);
  if (!categories) {
    categories = loadAllCategories(api);
    categories.catch(() => perVisit.delete(api));
    perVisit.set(api, categories);
  }
  return categories;
}
