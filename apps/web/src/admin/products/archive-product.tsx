import { useState } from 'react';
import { useNavigate } from 'react-router';
import { unwrap } from '../../api/client';
import type { Product } from '../../api/types';
import { useSession } from '../../session/session';
import { ConfirmDialog } from '../../ui/confirm-dialog';

/** Archiving takes a product out of the catalog for good; past orders keep naming it. */
export function ArchiveProduct({ product }: { product: Product }) {
  const { api } = useSession();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);

  const archive = async () => {
    await unwrap(api.DELETE('/api/products/{id}', { params: { path: { id: product.id } } }));
    navigate('/admin/products', { state: { notice: `${product.name} was archived.` } });
  };

  return (
    <>
      <p className="muted">Takes the product out of the catalog; past orders keep it.</p>
      <button type="button" className="button button-danger" onClick={() => setOpen(true)}>
        Archive
      </button>
      <ConfirmDialog
        open={open}
        title={`Archive ${product.name}?`}
        confirmLabel="Yes, archive it"
        cancelLabel="Keep it"
        onConfirm={archive}
        onClose={() => setOpen(false)}
      >
        <p>Customers will no longer find or buy it. This cannot be undone here.</p>
      </ConfirmDialog>
    </>
  );
}
