import { stockLevel } from '../../ui/stock';

/** The stock count, flagged when it is out or running low. */
export function StockBadge({ stock }: { stock: number }) {
  const level = stockLevel(stock);
  if (level === 'out') return <span className="badge badge-danger">0 · out</span>;
  if (level === 'low') return <span className="badge badge-warn">{stock} · low</span>;
  return <span className="admin-count">{stock}</span>;
}
