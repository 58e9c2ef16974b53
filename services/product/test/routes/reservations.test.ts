import { randomUUID } from 'node:crypto';
import { NewReservation, RESERVATIONS_PATH, ReservationView } from '@shop/contracts';
import { databaseTargets, schemaErrors } from '@shop/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, buildTestProduct, createCategory, createProduct, type TestProduct } from '../helpers.ts';
import { expectProblem, stockOf, unique } from './support.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe.each(databaseTargets())('internal reservations on $name', (target) => {
  let product: TestProduct;
  let category: number;

  beforeAll(async () => {
    product = await buildTestProduct(target);
    category = await createCategory(product.app, product.tokens.admin, unique('Drinks'));
  });
  afterAll(() => product.close());

  const service = () => bearer(product.tokens.orderService);
  const make = (stock: number, price = 250) =>
    createProduct(product.app, product.tokens.admin, {
      name: unique('Lemonade'),
      price_cents: price,
      stock,
      category_id: category,
    });
  const reserve = (payload: unknown, headers: Record<string, string> = service()) =>
    product.app.inject({ method: 'POST', url: '/internal/reservations', headers, payload: payload as object });
  const commit = (id: string, headers: Record<string, string> = service()) =>
    product.app.inject({ method: 'POST', url: `/internal/reservations/${id}/commit`, headers });
  const release = (id: string, headers: Record<string, string> = service()) =>
    product.app.inject({ method: 'DELETE', url: `/internal/reservations/${id}`, headers });
  const read = (id: string, headers: Record<string, string> = service()) =>
    product.app.inject({ method: 'GET', url: `/internal/reservations/${id}`, headers });
  const orderRef = () => `order-${randomUUID()}`;

  describe('POST /internal/reservations', () => {
    it('when stock suffices, then 201 with reservation_id, expires_at ~15 min ahead and lines from the catalog', async () => {
      const cola = await make(10, 199);
      const juice = await make(5, 349);
      const ref = orderRef();
      const before = Date.now();
      const response = await reserve({
        order_ref: ref,
        items: [
          { product_id: juice.id, quantity: 2 },
          { product_id: cola.id, quantity: 3 },
        ],
      });
      expect(response.statusCode).toBe(201);
      const body = response.json();
      expect(body.reservation_id).toMatch(UUID);
      expect(body.order_ref).toBe(ref);
      expect(body.status).toBe('held');
      const expiresIn = Date.parse(body.expires_at) - before;
      expect(expiresIn).toBeGreaterThan(14 * 60_000);
      expect(expiresIn).toBeLessThan(16 * 60_000);
      expect(body.lines).toEqual(
        expect.arrayContaining([
          { product_id: cola.id, name: cola.name, unit_price_cents: 199, quantity: 3 },
          { product_id: juice.id, name: juice.name, unit_price_cents: 349, quantity: 2 },
        ]),
      );
      expect(body.lines).toHaveLength(2);
      expect(await stockOf(product.app, cola.id)).toBe(7);
      expect(await stockOf(product.app, juice.id)).toBe(3);
    });

    it('when the same order_ref is sent again, then 200 with the same reservation and stock taken once', async () => {
      const tea = await make(10);
      const payload = { order_ref: orderRef(), items: [{ product_id: tea.id, quantity: 4 }] };
      const first = await reserve(payload);
      expect(first.statusCode).toBe(201);
      const again = await reserve(payload);
      expect(again.statusCode).toBe(200);
      expect(again.json().reservation_id).toBe(first.json().reservation_id);
      expect(again.json()).toEqual(first.json());
      expect(await stockOf(product.app, tea.id)).toBe(6);
    });

    it('when the same order_ref comes with other items, then the first reservation is returned unchanged', async () => {
      const soda = await make(10);
      const ref = orderRef();
      const first = await reserve({ order_ref: ref, items: [{ product_id: soda.id, quantity: 1 }] });
      const other = await reserve({ order_ref: ref, items: [{ product_id: soda.id, quantity: 5 }] });
      expect(other.statusCode).toBe(200);
      expect(other.json().reservation_id).toBe(first.json().reservation_id);
      expect(other.json().lines[0].quantity).toBe(1);
      expect(await stockOf(product.app, soda.id)).toBe(9);
    });

    it('when reserved, then the price in the line is the price of that moment, even if it changes later', async () => {
      const wine = await make(3, 1500);
      const held = (await reserve({ order_ref: orderRef(), items: [{ product_id: wine.id, quantity: 1 }] })).json();
      await product.app.inject({
        method: 'PATCH',
        url: `/api/products/${wine.id}`,
        headers: bearer(product.tokens.admin),
        payload: { price_cents: 2500, name: unique('Renamed wine') },
      });
      const again = (await read(held.reservation_id)).json();
      expect(again.lines).toEqual([{ product_id: wine.id, name: wine.name, unit_price_cents: 1500, quantity: 1 }]);
    });

    it('when some products are short, then 409 naming each short one and nothing is taken from any line', async () => {
      const plenty = await make(50);
      const shortA = await make(1);
      const shortB = await make(0);
      const response = await reserve({
        order_ref: orderRef(),
        items: [
          { product_id: plenty.id, quantity: 5 },
          { product_id: shortA.id, quantity: 2 },
          { product_id: shortB.id, quantity: 1 },
        ],
      });
      const body = expectProblem(response, 409);
      expect(body.errors).toEqual(
        expect.arrayContaining([
          { product_id: shortA.id, requested: 2, available: 1 },
          { product_id: shortB.id, requested: 1, available: 0 },
        ]),
      );
      expect(body.errors).toHaveLength(2);
      expect(await stockOf(product.app, plenty.id)).toBe(50);
      expect(await stockOf(product.app, shortA.id)).toBe(1);
      expect(await stockOf(product.app, shortB.id)).toBe(0);
    });

    it('when the short product comes first by id, then the later lines are not taken either', async () => {
      const short = await make(0);
      const plenty = await make(10);
      const body = expectProblem(
        await reserve({
          order_ref: orderRef(),
          items: [
            { product_id: plenty.id, quantity: 1 },
            { product_id: short.id, quantity: 1 },
          ],
        }),
        409,
      );
      expect(body.errors).toEqual([{ product_id: short.id, requested: 1, available: 0 }]);
      expect(await stockOf(product.app, plenty.id)).toBe(10);
    });

    it('when a refused order_ref is retried after restocking, then it reserves', async () => {
      const rare = await make(1);
      const payload = { order_ref: orderRef(), items: [{ product_id: rare.id, quantity: 2 }] };
      expectProblem(await reserve(payload), 409);
      await product.app.inject({
        method: 'POST',
        url: `/api/products/${rare.id}/stock`,
        headers: bearer(product.tokens.admin),
        payload: { delta: 1 },
      });
      expect((await reserve(payload)).statusCode).toBe(201);
      expect(await stockOf(product.app, rare.id)).toBe(0);
    });

    it('when a product id appears twice, then 422 and nothing is taken', async () => {
      const water = await make(10);
      expectProblem(
        await reserve({
          order_ref: orderRef(),
          items: [
            { product_id: water.id, quantity: 1 },
            { product_id: water.id, quantity: 2 },
          ],
        }),
        422,
      );
      expect(await stockOf(product.app, water.id)).toBe(10);
    });

    it('when a product is unknown or archived, then 422 and nothing is taken from the other lines', async () => {
      const kept = await make(10);
      const archived = await make(10);
      await product.app.inject({
        method: 'DELETE',
        url: `/api/products/${archived.id}`,
        headers: bearer(product.tokens.admin),
      });
      for (const missing of [archived.id, 2_147_483_647]) {
        expectProblem(
          await reserve({
            order_ref: orderRef(),
            items: [
              { product_id: kept.id, quantity: 1 },
              { product_id: missing, quantity: 1 },
            ],
          }),
          422,
        );
      }
      expect(await stockOf(product.app, kept.id)).toBe(10);
    });

    it('when the body is malformed, then 400', async () => {
      const milk = await make(10);
      const bad = [
        { order_ref: orderRef(), items: [{ product_id: milk.id, quantity: 0 }] },
        { order_ref: orderRef(), items: [{ product_id: milk.id, quantity: -1 }] },
        { order_ref: orderRef(), items: [{ product_id: milk.id, quantity: '1' }] },
        { order_ref: orderRef(), items: [{ product_id: milk.id, quantity: 1, note: 'x' }] },
        { order_ref: orderRef(), items: [] },
        { order_ref: '', items: [{ product_id: milk.id, quantity: 1 }] },
        { items: [{ product_id: milk.id, quantity: 1 }] },
        { order_ref: orderRef(), items: [{ product_id: 0, quantity: 1 }] },
        { order_ref: orderRef(), items: [{ product_id: milk.id, quantity: 1 }], extra: true },
      ];
      for (const payload of bad) expectProblem(await reserve(payload), 400);
      expect(await stockOf(product.app, milk.id)).toBe(10);
    });

    it('when called by a customer or an admin (no inventory:reserve), then 403; without a token, 401', async () => {
      const beer = await make(10);
      const payload = { order_ref: orderRef(), items: [{ product_id: beer.id, quantity: 1 }] };
      expectProblem(await reserve(payload, bearer(product.tokens.customer)), 403);
      expectProblem(await reserve(payload, bearer(product.tokens.admin)), 403);
      const anonymous = await reserve(payload, {});
      expectProblem(anonymous, 401);
      expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer\b/);
      expect(await stockOf(product.app, beer.id)).toBe(10);
    });
  });

  describe('commit, release and read', () => {
    const held = async (stock: number, quantity: number) => {
      const item = await make(stock);
      const response = await reserve({ order_ref: orderRef(), items: [{ product_id: item.id, quantity }] });
      expect(response.statusCode).toBe(201);
      return { item, id: response.json().reservation_id as string };
    };

    it('when committed, then 200 status committed; committing again is 200 too; stock stays taken', async () => {
      const { item, id } = await held(10, 3);
      const first = await commit(id);
      expect(first.statusCode).toBe(200);
      expect(first.json()).toMatchObject({ reservation_id: id, status: 'committed' });
      const again = await commit(id);
      expect(again.statusCode).toBe(200);
      expect(again.json().status).toBe('committed');
      expect(await stockOf(product.app, item.id)).toBe(7);
    });

    it('when released, then the stock returns; releasing again changes nothing', async () => {
      const { item, id } = await held(10, 4);
      expect(await stockOf(product.app, item.id)).toBe(6);
      const first = await release(id);
      expect(first.statusCode).toBe(200);
      expect(first.json()).toMatchObject({ reservation_id: id, status: 'released' });
      expect(await stockOf(product.app, item.id)).toBe(10);
      const again = await release(id);
      expect(again.statusCode).toBe(200);
      expect(again.json()).toEqual(first.json());
      expect(await stockOf(product.app, item.id)).toBe(10);
    });

    it('when committing after a release, then 409 and the stock stays returned', async () => {
      const { item, id } = await held(5, 2);
      expect((await release(id)).statusCode).toBe(200);
      expectProblem(await commit(id), 409);
      expect(await stockOf(product.app, item.id)).toBe(5);
      expect((await read(id)).json().status).toBe('released');
    });

    it('when releasing after a commit (a cancellation), then the stock returns once', async () => {
      const { item, id } = await held(8, 5);
      expect((await commit(id)).statusCode).toBe(200);
      expect(await stockOf(product.app, item.id)).toBe(3);
      expect((await release(id)).json().status).toBe('released');
      expect(await stockOf(product.app, item.id)).toBe(8);
      expect((await release(id)).statusCode).toBe(200);
      expect(await stockOf(product.app, item.id)).toBe(8);
    });

    it('when released, then the same order_ref returns the released reservation and takes nothing', async () => {
      const item = await make(6);
      const payload = { order_ref: orderRef(), items: [{ product_id: item.id, quantity: 2 }] };
      const id = (await reserve(payload)).json().reservation_id;
      await release(id);
      const again = await reserve(payload);
      expect(again.statusCode).toBe(200);
      expect(again.json()).toMatchObject({ reservation_id: id, status: 'released' });
      expect(await stockOf(product.app, item.id)).toBe(6);
    });

    it('when read, then 200 with the reservation as created', async () => {
      const item = await make(10, 777);
      const created = (await reserve({ order_ref: orderRef(), items: [{ product_id: item.id, quantity: 1 }] })).json();
      const response = await read(created.reservation_id);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual(created);
    });

    it('when the id is not a uuid, then 400 on read, commit and release', async () => {
      for (const bad of ['not-a-uuid', '123', `urn:uuid:${randomUUID()}`, `${randomUUID()}x`]) {
        expectProblem(await read(encodeURIComponent(bad)), 400);
        expectProblem(await commit(encodeURIComponent(bad)), 400);
        expectProblem(await release(encodeURIComponent(bad)), 400);
      }
    });

    it('when no reservation has the uuid, then 404 on read, commit and release', async () => {
      const unknown = randomUUID();
      expectProblem(await read(unknown), 404);
      expectProblem(await commit(unknown), 404);
      expectProblem(await release(unknown), 404);
    });

    it('when a customer or an admin calls, then 403; without a token, 401; and nothing changes', async () => {
      const { item, id } = await held(10, 1);
      for (const token of [product.tokens.customer, product.tokens.admin]) {
        expectProblem(await read(id, bearer(token)), 403);
        expectProblem(await commit(id, bearer(token)), 403);
        expectProblem(await release(id, bearer(token)), 403);
      }
      expectProblem(await read(id, {}), 401);
      expectProblem(await commit(id, {}), 401);
      expectProblem(await release(id, {}), 401);
      expect((await read(id)).json().status).toBe('held');
      expect(await stockOf(product.app, item.id)).toBe(9);
    });
  });

  describe('the contract with the order service', () => {
    it('when a reservation is made, read, committed and released, then every answer passes ReservationView', async () => {
      const cola = await make(10);
      const made = await reserve({ order_ref: orderRef(), items: [{ product_id: cola.id, quantity: 1 }] });
      const id = made.json().reservation_id;
      const answers = [made, await read(id), await commit(id), await release(id)];
      for (const answer of answers) {
        expect(answer.statusCode).toBeLessThan(300);
        expect(schemaErrors(ReservationView, answer.json())).toEqual([]);
      }
    });

    it('when /openapi.json is read, then the reservation operations carry the contract’s body and answers', async () => {
      const paths = (await product.app.inject({ method: 'GET', url: '/openapi.json' })).json().paths;
      const post = paths[RESERVATIONS_PATH]?.post;
      const body = post?.requestBody?.content?.['application/json']?.schema;
      expect(body?.required?.sort()).toEqual([...NewReservation.required].sort());
      expect(Object.keys(body?.properties ?? {}).sort()).toEqual(Object.keys(NewReservation.properties).sort());
      const operations = [
        post,
        paths[`${RESERVATIONS_PATH}/{id}`]?.get,
        paths[`${RESERVATIONS_PATH}/{id}/commit`]?.post,
        paths[`${RESERVATIONS_PATH}/{id}`]?.delete,
      ];
      for (const operation of operations) {
        const answer = operation?.responses?.['200']?.content?.['application/json']?.schema;
        expect(answer?.required?.sort()).toEqual([...ReservationView.required].sort());
      }
    });
  });
});
