import { describeError } from '../api/problem';
import type { PagedList } from './use-paged-list';

/**
 * "Load more" under a paged list while the server has more, what is loading, and why the
 * last page did not come (the items loaded so far stay). The button stays focusable while
 * busy (aria-disabled), so the keyboard carries on from it.
 */
export function LoadMore({
  list,
  what,
}: {
  list: Pick<PagedList<{ id: number }>, 'state' | 'hasMore' | 'loadingMore' | 'moreError' | 'loadMore'>;
  /** What the list holds, for the status and error lines: "products". */
  what: string;
}) {
  if (list.state !== 'ready' || (!list.hasMore && list.moreError === undefined)) return null;
  return (
    <div className="load-more">
      {list.hasMore && (
        <button type="button" className="button" onClick={list.loadMore} aria-disabled={list.loadingMore || undefined}>
          Load more
        </button>
      )}
      {list.loadingMore && (
        <span className="muted" role="status">
          Loading more {what}…
        </span>
      )}
      {list.moreError !== undefined && (
        <p className="field-error" role="alert">
          More {what} could not be loaded. {describeError(list.moreError)}
        </p>
      )}
    </div>
  );
}
