// @vitest-environment happy-dom
import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { OrderLines } from '../../src/ui/order-lines';

const order = {
  currency: 'EUR',
  total_cents: 2048,
  items: [
    { product_id: 1, name: 'Smoked Salmon', quantity: 2, unit_price_cents: 899, line_total_cents: 1798 },
    { product_id: 2, name: 'Rye Bread', quantity: 1, unit_price_cents: 250, line_total_cents: 250 },
  ],
};

describe('order lines', () => {
  it('when an order is shown, then each line has its product, quantity, unit price and line total, and the total follows', () => {
    render(<OrderLines order={order} caption="What was ordered" product={(line) => <em>{line.name}</em>} />);
    const table = screen.getByRole('table', { name: 'What was ordered' });
    const rows = within(table).getAllByRole('row');
    const cells = rows.map((row) => Array.from(row.querySelectorAll('th, td'), (cell) => cell.textContent));
    expect(cells[0]).toEqual(['Product', 'Quantity', 'Unit price', 'Line total']);
    expect(cells[1]?.[0]).toBe('Smoked Salmon');
    expect(cells[1]?.slice(1).join(' ')).toMatch(/^2 €?8[.,]99 ?€? €?17[.,]98 ?€?$/);
    expect(cells[3]?.join(' ')).toMatch(/^Total €?20[.,]48 ?€?$/);
    const salmon = within(rows[1] as HTMLElement).getByRole('rowheader');
    expect(salmon.querySelector('em')).toBeTruthy();
  });
});
