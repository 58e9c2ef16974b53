import { useState } from 'react';
import { unwrap } from '../../api/client';
import { ApiError } from '../../api/problem';
import type { Order } from '../../api/types';
import { useSession } from '../../session/session';
import { ConfirmDialog } from '../../ui/confirm-dialog';

/** "Cancel order", asked once more in a dialog; the stock goes back and the status turns cancelled. */
export function CancelOrder({
  order,
  onCancelled,
  onConflict,
}: {
  order: Order;
  onCancelled(order: Order): void;
  /** The order moved on meanwhile (shipped, cancelled elsewhere): read it again. */
  onConflict(): void;
}) {
  const { api } = useSession();
  const [open, setOpen] = useState(false);

  const cancel = async () => {
    try {
      const next = await unwrap(api.POST('/api/orders/{id}/cancel', { params: { path: { id: order.id } } }));
      setOpen(false);
      onCancelled(next);
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) onConflict();
      throw error;
    }
  };

  return (
    <>
      <button type="button" className="button button-danger" onClick={() => setOpen(true)} aria-haspopup="dialog">
        Cancel order
      </button>
      <ConfirmDialog
        open={open}
        title={`Cancel order #${order.id}?`}
        confirmLabel="Yes, cancel it"
        cancelLabel="Keep the order"
        onConfirm={cancel}
        onClose={() => setOpen(false)}
      >
        <p>Nothing will be sent and the products go back on sale. This cannot be undone.</p>
      </ConfirmDialog>
    </>
  );
}
