import { loadAllCategories, loadCategoriesOnce } from '../api/categories';
import type { Category } from '../api/types';
import { useSession } from '../session/session';
import { useResource } from './use-resource';

/**
 * Every category, by name. The storefront's pages only name them, so they share one read per
 * visit (`once-per-visit`); the admin, where categories are added, reads them `afresh`.
 */
export function useCategories(read: 'once-per-visit' | 'afresh') {
  const { api } = useSession();
  return useResource(() => (read === 'afresh' ? loadAllCategories(api) : loadCategoriesOnce(api)), ['categories']);
}

/** Categories as a select's options, by name. */
export function categoryOptions(categories: readonly Category[]): Array<{ value: number; label: string }> {
  return categories.map((category) => ({ value: category.id, label: category.name }));
}
