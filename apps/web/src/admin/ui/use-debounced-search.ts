import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';

/**
 * A search box tied to one query parameter: the URL follows the typing after `delay` ms (so
 * each keystroke is not a request), at once on submit, and the box follows the URL (Back).
 */
export function useDebouncedSearch(param: string, delay = 300) {
  const [params, update] = useQueryUpdater();
  const committed = params.get(param) ?? '';
  const [text, setText] = useState(committed);

  useEffect(() => {
    setText((typed) => (typed.trim() === committed ? typed : committed));
  }, [committed]);

  const commit = (value: string) => update({ [param]: value.trim() });

  useEffect(() => {
    if (text.trim() === committed) return;
    const timer = setTimeout(() => commit(text), delay);
    return () => clearTimeout(timer);
  });

  return { text, setText, submit: () => commit(text), committed };
}

/** Sets (or, for '' and undefined, removes) query parameters, keeping the others. */
export function useQueryUpdater() {
  const [params, setParams] = useSearchParams();
  const update = (changes: Record<string, string | undefined>) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        for (const [name, value] of Object.entries(changes)) {
          if (value) next.set(name, value);
          else next.delete(name);
        }
        return next;
      },
      { replace: true },
    );
  return [params, update] as const;
}
