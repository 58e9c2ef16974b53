import type { Clock, InventoryStore, OrderOutcomes } from './ports.ts';

export interface ExpiryDeps {
  inventory: InventoryStore;
  orders: OrderOutcomes;
  clock: Clock;
}

/**
 * Settles held reservations past their time, `batch` at a time. A reservation outlives
 * its time when the order service placed an order and then could not commit it (this
 * service was away): expiring it would return stock a confirmed order holds. So before
 * any stock goes back, the order service says what became of each one: commit when an
 * order holds it, release (expire, stock back) when its order was cancelled or none
 * holds it. Those answers are final. When it cannot answer, the reservations stay held
 * and are asked about again at the next sweep: held too long beats sold twice.
 */
export async function settleDueReservations(
  deps: ExpiryDeps,
  batch: number,
): Promise<{ committed: number; expired: number }> {
  const total = { committed: 0, expired: 0 };
  const now = deps.clock.now();
  let afterId: string | undefined;
  for (;;) {
    // Batch after batch in id order: one left held (unanswered, or settled elsewhere right
    // now) is not met again in this sweep, so it never holds up the ones after it.
    const due = await deps.inventory.dueHeld(now, batch, afterId);
    if (due.length === 0) return total;
    const answers = await deps.orders.outcomes(due);
    const answered = (outcome: string) =>
      due.filter((reservation) => answers.get(reservation.id) === outcome).map((reservation) => reservation.id);
    const settled = await deps.inventory.settle({ commit: answered('commit'), expire: answered('release') });
    total.committed += settled.committed;
    total.expired += settled.expired;
    if (due.length < batch) return total;
    afterId = due.at(-1)?.id;
  }
}
