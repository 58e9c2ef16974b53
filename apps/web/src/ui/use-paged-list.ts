import { useCallback, useEffect, useRef, useState } from 'react';

export interface PageOf<T> {
  items: T[];
  next_cursor: string | null;
}

export interface PagedList<T> {
  /** `loading` is the first page; later pages load with `loadingMore`. */
  state: 'loading' | 'ready' | 'failed';
  items: T[];
  error: unknown;
  hasMore: boolean;
  loadingMore: boolean;
  /** Why the last "Load more" failed; the items loaded so far stay. */
  moreError: unknown;
  loadMore(): void;
  reload(): void;
  /** Puts the server's answer for one item in its place (after an action on that row). */
  replace(item: T): void;
}

interface State<T> {
  state: 'loading' | 'ready' | 'failed';
  items: T[];
  cursor: string | null;
  error: unknown;
  loadingMore: boolean;
  moreError: unknown;
}

/**
 * A list the API pages with cursors (`next_cursor`): the first page again whenever `key`
 * changes (the items loaded so far stay meanwhile, to dim rather than blank), then "Load more"
 * appends the next. An answer to an older key is dropped, so the list always matches the
 * filters shown; a second "Load more" while one runs does nothing.
 */
export function usePagedList<T extends { id: number }>(
  loadPage: (cursor: string | undefined) => Promise<PageOf<T>>,
  key: ReadonlyArray<unknown>,
): PagedList<T> {
  const [list, setList] = useState<State<T>>({
    state: 'loading',
    items: [],
    cursor: null,
    error: undefined,
    loadingMore: false,
    moreError: undefined,
  });
  const latest = useRef(loadPage);
  latest.current = loadPage;
  const generation = useRef(0);
  const cursor = useRef<string | null>(null);
  const busy = useRef(false);

  const reload = useCallback(() => {
    const mine = ++generation.current;
    busy.current = false;
    setList((previous) => ({
      ...previous,
      state: 'loading',
      error: undefined,
      loadingMore: false,
      moreError: undefined,
    }));
    latest.current(undefined).then(
      (page) => {
        if (mine !== generation.current) return;
        cursor.current = page.next_cursor;
        setList({
          state: 'ready',
          items: page.items,
          cursor: page.next_cursor,
          error: undefined,
          loadingMore: false,
          moreError: undefined,
        });
      },
      (error: unknown) => {
        if (mine !== generation.current) return;
        cursor.current = null;
        setList((previous) => ({ ...previous, state: 'failed', items: [], cursor: null, error }));
      },
    );
  }, []);

  const loadMore = useCallback(() => {
    const from = cursor.current;
    if (!from || busy.current) return;
    const mine = generation.current;
    busy.current = true;
    setList((previous) => ({ ...previous, loadingMore: true, moreError: undefined }));
    latest.current(from).then(
      (page) => {
        if (mine !== generation.current) return;
        busy.current = false;
        cursor.current = page.next_cursor;
        setList((previous) => {
          // A row changed by an action meanwhile may come again on the next page: keep one.
          const seen = new Set(previous.items.map((item) => item.id));
          const fresh = page.items.filter((item) => !seen.has(item.id));
          return { ...previous, items: [...previous.items, ...fresh], cursor: page.next_cursor, loadingMore: false };
        });
      },
      (error: unknown) => {
        if (mine !== generation.current) return;
        busy.current = false;
        setList((previous) => ({ ...previous, loadingMore: false, moreError: error }));
      },
    );
  }, []);

  const replace = useCallback((item: T) => {
    setList((previous) => ({
      ...previous,
      items: previous.items.map((existing) => (existing.id === item.id ? item : existing)),
    }));
  }, []);

  const keyText = JSON.stringify(key);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new key means the first page again.
  useEffect(() => {
    reload();
  }, [reload, keyText]);

  return {
    state: list.state,
    items: list.items,
    error: list.error,
    hasMore: list.cursor !== null,
    loadingMore: list.loadingMore,
    moreError: list.moreError,
    loadMore,
    reload,
    replace,
  };
}
