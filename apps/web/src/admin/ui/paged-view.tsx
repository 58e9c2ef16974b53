import type { ReactNode } from 'react';
import { LoadMore } from '../../ui/load-more';
import { Empty, ErrorState, Loading } from '../../ui/states';
import type { PagedList } from '../../ui/use-paged-list';

/**
 * A paged list's states in one place: loading, failed (with Try again), empty (with what to
 * do), the rows, and "Load more" while the server has more.
 */
export function PagedView<T extends { id: number }>({
  list,
  what,
  empty,
  children,
}: {
  list: PagedList<T>;
  /** What the list holds, for the loading and error lines: "products". */
  what: string;
  empty: ReactNode;
  children: (items: T[]) => ReactNode;
}) {
  if (list.state === 'failed') {
    return <ErrorState error={list.error} retry={list.reload} title={`The ${what} could not be loaded`} />;
  }
  if (list.state === 'loading' && list.items.length === 0) return <Loading label={`Loading the ${what}…`} />;
  if (list.items.length === 0) return <Empty>{empty}</Empty>;
  return (
    <div className="stack admin-list" aria-busy={list.state === 'loading'}>
      {list.state === 'loading' && <Loading label={`Updating the ${what}…`} />}
      {children(list.items)}
      <LoadMore list={list} what={what} />
    </div>
  );
}
