import { stockLevel } from '../../ui/stock';

/** Whether a customer can have it, and how many are left when few are. */
export function StockBadge({ stock }: { stock: number }) {
  const level = stockLevel(stock);
  if (level === 'out') return <span className="badge badge-danger">Out of stock</span>;
  if (level === 'low') return <span className="badge badge-warn">Only {stock} left</span>;
  return <span className="badge badge-ok">In stock</span>;
}
