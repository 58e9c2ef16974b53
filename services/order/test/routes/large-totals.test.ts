import { databaseTargets } from '@shop/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderView } from '../../src/domain/order.ts';
import { bearer, buildTestShop, expectProblem, placed, type TestShop } from '../helpers.ts';

/** The highest price the product service takes (1,000,000.00): 40 of them make 4,000,000,000 cents. */
const TOP_PRICE = 100_000_000;
const INT4_MAX = 2_147_483_647;

describe.each(databaseTargets())('order totals past int4 on $name', (target) => {
  let shop: TestShop;
  let me: Awaited<ReturnType<TestShop['newCustomer']>>;
  let big: OrderView;
  let bigger: OrderView;
  let small: OrderView;

  beforeAll(async () => {
    shop = await buildTestShop(target);
    me = await shop.newCustomer();
    const yacht = await shop.makeProduct(1_000, TOP_PRICE);
    const rope = await shop.makeProduct(1_000, 250);
    small = await placed(shop.order.app, me.token, [{ product_id: rope.id, quantity: 2 }]);
    big = await placed(shop.order.app, me.token, [{ product_id: yacht.id, quantity: 22 }]);
    bigger = await placed(shop.order.app, me.token, [
      { product_id: yacht.id, quantity: 40 },
      { product_id: rope.id, quantity: 1 },
    ]);
  });
  afterAll(() => shop.close());

  const get = (url: string) => shop.order.app.inject({ method: 'GET', url, headers: bearer(me.token) });

  it('when an order’s total passes 2,147,483,647 cents, then 201 with the exact total and line totals, and it reads back the same', async () => {
    expect(big.total_cents).toBe(2_200_000_000);
    expect(bigger.total_cents).toBe(4_000_000_250);
    expect(bigger.items.map((item) => item.line_total_cents).sort((a, b) => a - b)).toEqual([250, 4_000_000_000]);
    const again = await get(`/api/orders/${bigger.id}`);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toEqual(bigger);
  });

  it('when the list is sorted by total and walked one at a time, then the large totals come in order, both ways', async () => {
    for (const [sort, expected] of [
      ['total', [small.id, big.id, bigger.id]],
      ['-total', [bigger.id, big.id, small.id]],
    ] as const) {
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const response = await get(
          `/api/orders?sort=${sort}&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        expect(response.statusCode, response.body).toBe(200);
        seen.push(...response.json().items.map((order: OrderView) => order.id));
        cursor = response.json().next_cursor;
      } while (cursor !== null && seen.length < 10);
      expect(seen).toEqual(expected);
    }
  });

  it('when filtered by totals past int4, up to the largest safe integer, then the bounds hold', async () => {
    const totals = async (query: string) => {
      const response = await get(`/api/orders?sort=total&${query}`);
      expect(response.statusCode, response.body).toBe(200);
      return response.json().items.map((order: OrderView) => order.total_cents);
    };
    expect(await totals(`min_total_cents=${INT4_MAX + 1}`)).toEqual([2_200_000_000, 4_000_000_250]);
    expect(await totals('min_total_cents=2200000001')).toEqual([4_000_000_250]);
    expect(await totals(`max_total_cents=${Number.MAX_SAFE_INTEGER}`)).toEqual([500, 2_200_000_000, 4_000_000_250]);
    expect(await totals(`min_total_cents=${Number.MAX_SAFE_INTEGER}`)).toEqual([]);
    const admin = await shop.order.app.inject({
      method: 'GET',
      url: `/api/admin/orders?user_id=${me.userId}&sort=-total&min_total_cents=4000000250`,
      headers: bearer(shop.admin),
    });
    expect(admin.json().items.map((order: OrderView) => order.id)).toEqual([bigger.id]);
  });

  it('when a total filter passes the largest safe integer, then 400 naming it', async () => {
    for (const field of ['min_total_cents', 'max_total_cents']) {
      const body = expectProblem(await get(`/api/orders?${field}=${Number.MAX_SAFE_INTEGER + 1}`), 400);
      expect(body.errors?.[0]?.field).toBe(field);
    }
  });
});
