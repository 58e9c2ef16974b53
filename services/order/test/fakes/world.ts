import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '@shop/platform';
import type { ManageOrdersDeps } from '../../src/domain/manage-orders.ts';
import type { PlaceOrderDeps, PlaceOrderRequest } from '../../src/domain/place-order.ts';
import type { CartGateway, RequestedItem } from '../../src/domain/ports.ts';
import { ReservationReconciler } from '../../src/jobs/reservation-reconciler.ts';
import { FakeIdempotencyStore, FakeOrderStore, FakeOrderTables, ManualClock } from './order-stores.ts';
import { FakeProductGateway } from './product-gateway.ts';

export const KEY_LEASE_MS = 30_000;

/** A cart service that holds one cart per token. */
export class FakeCart implements CartGateway {
  readonly carts = new Map<string, RequestedItem[]>();

  async items(userToken: string): Promise<RequestedItem[]> {
    return [...(this.carts.get(userToken) ?? [])];
  }
}

/**
 * Everything outside the order service's process, in memory: its tables, the product
 * service and the cart. It outlives any one process (see `mortalProcess`).
 */
export function fakeWorld() {
  const clock = new ManualClock();
  const tables = new FakeOrderTables(clock);
  const orders = new FakeOrderStore(tables);
  const keys = new FakeIdempotencyStore(tables);
  const products = new FakeProductGateway();
  const cart = new FakeCart();
  const undoFailures: Array<{ reservationId: string; error: unknown }> = [];

  const placeDeps = (overrides: Partial<PlaceOrderDeps> = {}): PlaceOrderDeps => ({
    products,
    cart,
    orders,
    keys,
    currency: 'EUR',
    keyLeaseMs: KEY_LEASE_MS,
    duplicateWaitMs: 2_000,
    sleep: (ms) => sleep(ms),
    onUndoFailed: (details) => undoFailures.push(details),
    ...overrides,
  });
  const manageDeps = (): ManageOrdersDeps => ({ orders, products });
  const reconciler = () =>
    new ReservationReconciler(orders, products, 3600, createLogger({ name: 'reconciler-test', level: 'silent' }));

  return { clock, tables, orders, keys, products, cart, undoFailures, placeDeps, manageDeps, reconciler };
}

export type FakeWorld = ReturnType<typeof fakeWorld>;

let nextUser = 100;

/** A request from a new user (so keys and orders of other tests never meet it). */
export function orderRequest(
  items: RequestedItem[],
  options: { key?: string; userId?: number } = {},
): PlaceOrderRequest {
  const userId = options.userId ?? nextUser++;
  return {
    user: { id: userId, email: `user${userId}@example.com`, token: `token-of-${userId}` },
    idempotencyKey: options.key ?? `key-${Math.random().toString(36).slice(2)}`,
    body: { items },
  };
}

export class ProcessDied extends Error {
  override readonly name = 'ProcessDied';
}

/**
 * One order-service process talking to the world. `dieAfter(method)` kills it right after
 * that call has taken effect: from then on every call it makes fails without reaching the
 * world, as if the process was gone (no undo, no freeing of the key).
 */
export function mortalProcess(world: FakeWorld) {
  let dead = false;
  let dieAfterMethod: string | undefined;
  const wrap = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(object, property, receiver) {
        const value = Reflect.get(object, property, receiver);
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          if (dead) throw new ProcessDied('the process is gone');
          const result = await value.apply(object, args);
          if (property === dieAfterMethod) {
            dead = true;
            throw new ProcessDied(`the process died after ${String(property)}`);
          }
          return result;
        };
      },
    });
  return {
    deps: world.placeDeps({ products: wrap(world.products), orders: wrap(world.orders), keys: wrap(world.keys) }),
    dieAfter(method: string): void {
      dieAfterMethod = method;
    },
    get dead() {
      return dead;
    },
  };
}
