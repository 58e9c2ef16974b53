import type { ReactNode } from 'react';

/** An admin list's table, scrolling sideways in its wrapper on a narrow screen. */
export function AdminTable({
  caption,
  columns,
  children,
}: {
  /** The table's name for screen readers (not shown). */
  caption: string;
  /** The header row's cells. */
  columns: ReactNode;
  /** The rows. */
  children: ReactNode;
}) {
  return (
    <div className="table-wrap">
      <table className="admin-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>{columns}</tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
