import { describe, expect, it } from 'vitest';
import { priceCart, toView } from '../../src/domain/cart.ts';

const products = new Map([
  [1, { id: 1, name: 'Cola', priceCents: 199 }],
  [2, { id: 2, name: 'Tea', priceCents: 350 }],
]);

describe('priceCart and toView', () => {
  it('when lines are priced, then each line total is quantity × unit price and the total sums them', () => {
    const cart = priceCart(
      [
        { productId: 2, quantity: 3 },
        { productId: 1, quantity: 99 },
      ],
      products,
      'EUR',
    );
    expect(toView(cart)).toEqual({
      items: [
        { product_id: 2, name: 'Tea', unit_price_cents: 350, quantity: 3, line_total_cents: 1_050 },
        { product_id: 1, name: 'Cola', unit_price_cents: 199, quantity: 99, line_total_cents: 19_701 },
      ],
      total_cents: 20_751,
      currency: 'EUR',
      notes: [],
    });
  });

  it('when a line’s product is unknown, then it is left out of the total and named in a note', () => {
    const view = toView(
      priceCart(
        [
          { productId: 12, quantity: 1 },
          { productId: 1, quantity: 1 },
        ],
        products,
        'SEK',
      ),
    );
    expect(view.total_cents).toBe(199);
    expect(view.currency).toBe('SEK');
    expect(view.notes).toEqual([
      { product_id: 12, message: 'Product 12 is no longer sold and was removed from your cart.' },
    ]);
  });
});
