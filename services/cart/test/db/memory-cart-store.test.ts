import { createLogger } from '@shop/platform';
import { IdleCartSweeper } from '../../src/jobs/idle-cart-sweeper.ts';
import { MemoryCartStore } from '../fakes/memory-cart-store.ts';
import { cartStoreContract, IDLE_DAYS } from './cart-store.contract.ts';

// The fake the domain tests use keeps the same contract, so it cannot drift from the real stores.
cartStoreContract('in-memory fake', async () => {
  let nowMs = Date.parse('2031-05-01T08:00:00.000Z');
  const clock = { now: () => new Date(nowMs) };
  const store = new MemoryCartStore(clock);
  const sweeper = new IdleCartSweeper(store, clock, IDLE_DAYS, 3600, createLogger({ name: 'test', level: 'silent' }));
  return {
    store,
    passTime: async (ms) => {
      nowMs += ms;
    },
    expireIdle: () => sweeper.runOnce(),
    close: async () => {},
  };
});
