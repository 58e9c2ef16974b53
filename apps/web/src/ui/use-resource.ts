import { useCallback, useEffect, useRef, useState } from 'react';

export type Resource<T> =
  | { state: 'loading'; data: T | undefined; error: undefined; reload(): void }
  | { state: 'ready'; data: T; error: undefined; reload(): void }
  | { state: 'failed'; data: undefined; error: unknown; reload(): void };

/**
 * Data a page loads: `loading` (still holding the previous data, if any), then `ready` or
 * `failed`, again whenever `key` changes or reload() is called. The answer to an older load
 * is dropped, so a fast typist's last search is the one shown.
 */
export function useResource<T>(load: () => Promise<T>, key: ReadonlyArray<unknown>): Resource<T> {
  const [state, setState] = useState<{ state: 'loading' | 'ready' | 'failed'; data?: T; error?: unknown }>({
    state: 'loading',
  });
  const latest = useRef(load);
  latest.current = load;
  const generation = useRef(0);
  const run = useCallback(() => {
    const mine = ++generation.current;
    setState((previous) => ({ state: 'loading', data: previous.data }));
    latest.current().then(
      (data) => mine === generation.current && setState({ state: 'ready', data }),
      (error: unknown) => mine === generation.current && setState({ state: 'failed', error }),
    );
  }, []);
  const keyText = JSON.stringify(key);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new key means a new load.
  useEffect(() => {
    run();
  }, [run, keyText]);
  return { ...state, reload: run } as Resource<T>;
}
