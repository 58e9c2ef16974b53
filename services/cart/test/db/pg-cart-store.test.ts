import { createLogger } from '@shop/platform';
import { databaseTargets } from '@shop/platform/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER } from '../../src/app.ts';
import { PgCartStore } from '../../src/db/pg-cart-store.ts';
import { IdleCartSweeper } from '../../src/jobs/idle-cart-sweeper.ts';
import { type CartStoreHarness, cartStoreContract, IDLE_DAYS } from './cart-store.contract.ts';

const logger = createLogger({ name: 'cart-test', level: 'silent' });
const DAY_MS = 86_400_000;

/** A clock the test moves by hand; it starts far from the machine's time so nothing depends on it. */
function handClock() {
  let nowMs = Date.parse('2031-05-01T08:00:00.000Z');
  return {
    now: () => new Date(nowMs),
    advance: (ms: number) => {
      nowMs += ms;
    },
  };
}

for (const target of databaseTargets()) {
  cartStoreContract(target.name, async (): Promise<CartStoreHarness> => {
    const { database, cleanup } = await target.open({ service: 'cart', migrationsFolder: MIGRATIONS_FOLDER });
    const clock = handClock();
    const store = new PgCartStore(database.db, clock);
    const sweeper = new IdleCartSweeper(store, clock, IDLE_DAYS, 3600, logger);
    return {
      store,
      passTime: async (ms) => clock.advance(ms),
      expireIdle: () => sweeper.runOnce(),
      close: cleanup,
    };
  });
}

describe.each(databaseTargets())('PgCartStore on $name', (target) => {
  let close: () => Promise<void>;
  let store: PgCartStore;
  let rows: <T>(query: ReturnType<typeof sql>) => Promise<T[]>;
  const clock = handClock();

  beforeAll(async () => {
    const { database, cleanup } = await target.open({ service: 'cart', migrationsFolder: MIGRATIONS_FOLDER });
    close = cleanup;
    store = new PgCartStore(database.db, clock);
    rows = async <T>(query: ReturnType<typeof sql>) =>
      ((await database.db.execute(query)) as unknown as { rows: T[] }).rows;
  });
  afterAll(() => close?.());

  it('when a cart is written, then its touched time is the store’s clock', async () => {
    await store.setQuantity(1, 10, 1, 100);
    const [cart] = await rows<{ touched_at: string | Date }>(sql`select touched_at from cart.carts where user_id = 1`);
    expect(new Date(cart?.touched_at ?? 0).toISOString()).toBe(clock.now().toISOString());
  });

  it('when the sweep deletes idle carts in batches, then every idle cart goes with its lines and the fresh ones stay', async () => {
    const old = clock.now().toISOString();
    await rows(sql`insert into cart.carts (user_id, touched_at) select g, ${old} from generate_series(100, 1119) g`);
    await rows(sql`insert into cart.lines (user_id, product_id, quantity, added_at)
      select g, 1, 1, ${old} from generate_series(100, 1119) g`);
    clock.advance((IDLE_DAYS + 1) * DAY_MS);
    await store.setQuantity(5_000, 1, 2, 100);
    const sweeper = new IdleCartSweeper(store, clock, IDLE_DAYS, 3600, logger);
    await sweeper.runOnce();
    const [left] = await rows<{ carts: number; lines: number }>(
      sql`select (select count(*)::int from cart.carts) as carts, (select count(*)::int from cart.lines) as lines`,
    );
    expect(left).toEqual({ carts: 1, lines: 1 });
    expect(await store.lines(5_000)).toEqual([{ productId: 1, quantity: 2 }]);
  });
});
