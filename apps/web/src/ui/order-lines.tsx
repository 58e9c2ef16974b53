import type { ReactNode } from 'react';
import type { Order } from '../api/types';
import { Price } from './money';

type Line = Order['items'][number];

/**
 * An order's lines and its total, as a table: the customer's order page and the row the
 * admin opens under an order. `product` fills the product's cell (a link for the customer,
 * the name and id for the admin).
 */
export function OrderLines({
  order,
  caption,
  product,
}: {
  order: Pick<Order, 'items' | 'total_cents' | 'currency'>;
  /** The table's name for screen readers (not shown). */
  caption: string;
  product(line: Line): ReactNode;
}) {
  return (
    <table className="order-lines">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Product</th>
          <th scope="col" className="numeric">
            Quantity
          </th>
          <th scope="col" className="numeric">
            Unit price
          </th>
          <th scope="col" className="numeric">
            Line total
          </th>
        </tr>
      </thead>
      <tbody>
        {order.items.map((line) => (
          <tr key={line.product_id}>
            <th scope="row">{product(line)}</th>
            <td className="numeric">{line.quantity}</td>
            <td className="numeric">
              <Price cents={line.unit_price_cents} currency={order.currency} />
            </td>
            <td className="numeric">
              <Price cents={line.line_total_cents} currency={order.currency} />
            </td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row" colSpan={3}>
            Total
          </th>
          <td className="numeric">
            <Price cents={order.total_cents} currency={order.currency} />
          </td>
        </tr>
      </tfoot>
    </table>
  );
}
