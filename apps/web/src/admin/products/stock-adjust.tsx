import { type FormEvent, useId, useState } from 'react';
import { unwrap } from '../../api/client';
import { describeError } from '../../api/problem';
import type { Product } from '../../api/types';
import { useSession } from '../../session/session';
import { Field } from '../../ui/field';
import { FormActions } from '../ui/form-actions';

const LIMIT = 1_000_000_000;

/**
 * Stock moves by a delta (a delivery in, breakage out), never set outright, so an order
 * taking stock meanwhile is not overwritten. The API refuses to go below zero (409).
 */
export function StockAdjust({ product, onAdjusted }: { product: Product; onAdjusted(product: Product): void }) {
  const { api } = useSession();
  const id = useId();
  const [delta, setDelta] = useState('');
  const [invalid, setInvalid] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setDone(null);
    setProblem(null);
    const value = Number(delta.trim() || 'NaN');
    if (!Number.isInteger(value) || value === 0 || Math.abs(value) > LIMIT) {
      setInvalid('Enter a whole number other than 0: 10 adds ten, -3 takes three away.');
      document.getElementById(`${id}-delta`)?.focus();
      return;
    }
    setInvalid(null);
    setBusy(true);
    try {
      const updated = await unwrap(
        api.POST('/api/products/{id}/stock', { params: { path: { id: product.id } }, body: { delta: value } }),
      );
      onAdjusted(updated);
      setDelta('');
      setDone(`Stock is now ${updated.stock}.`);
    } catch (error) {
      setProblem(`Not changed. ${describeError(error)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="stack" noValidate onSubmit={submit}>
      <p className="admin-stock-now">
        In stock: <strong className="admin-count">{product.stock}</strong>
      </p>
      <Field
        id={`${id}-delta`}
        label="Stock change"
        hint="Units to add; a negative number takes units away."
        error={invalid}
      >
        {(control) => (
          <input
            {...control}
            type="number"
            step={1}
            inputMode="numeric"
            value={delta}
            onChange={(event) => setDelta(event.target.value)}
          />
        )}
      </Field>
      <FormActions done={done} problem={problem}>
        <button type="submit" className="button" disabled={busy}>
          Adjust stock
        </button>
      </FormActions>
    </form>
  );
}
