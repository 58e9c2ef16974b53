import { useEffect, useId, useRef, useState } from 'react';
import { Link } from 'react-router';
import { describeError } from '../../api/problem';
import type { CartItem } from '../../api/types';
import { Price } from '../../ui/money';
import { MAX_QUANTITY, useCart } from './cart-context';

/** How long typing may pause before a new quantity is sent. */
const SAVE_AFTER_MS = 500;

/** One line of the cart page: its quantity can be changed (saved as the customer types) or removed. */
export function CartLine({ item, currency, onRemoved }: { item: CartItem; currency: string; onRemoved(): void }) {
  const { setQuantity, remove } = useCart();
  const [draft, setDraft] = useState(String(item.quantity));
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  // Once removing, a quantity still waiting to be saved must not put the line back.
  const removing = useRef(false);
  const id = useId();

  // The server's quantity wins, except over what the customer is typing right now.
  useEffect(() => {
    if (document.activeElement !== input.current) setDraft(String(item.quantity));
  }, [item.quantity]);

  const wanted = parseQuantity(draft);
  const invalid = draft.trim() !== '' && wanted === null;

  const save = async (quantity: number) => {
    setBusy(true);
    setFailure(null);
    try {
      await setQuantity(item.product_id, quantity);
    } catch (error) {
      setFailure(describeError(error));
      setDraft(String(item.quantity));
    } finally {
      setBusy(false);
    }
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: save() is new each render; the draft decides.
  useEffect(() => {
    if (wanted === null || wanted === item.quantity) return;
    const timer = setTimeout(() => removing.current || void save(wanted), SAVE_AFTER_MS);
    return () => clearTimeout(timer);
  }, [wanted, item.quantity]);

  const onRemove = async () => {
    if (busy) return;
    removing.current = true;
    setBusy(true);
    setFailure(null);
    try {
      await remove(item.product_id);
      onRemoved();
    } catch (error) {
      removing.current = false;
      setFailure(describeError(error));
      setBusy(false);
    }
  };

  const hint = `${id}-hint`;
  const problem = `${id}-problem`;
  return (
    <li className="cart-line" aria-busy={busy}>
      <div className="cart-line-product">
        <Link to={`/products/${item.product_id}`} className="cart-line-name">
          {item.name}
        </Link>
        <span className="muted">
          <Price cents={item.unit_price_cents} currency={currency} /> each
        </span>
      </div>
      <div className="cart-line-quantity">
        <label htmlFor={`${id}-quantity`}>
          Quantity<span className="visually-hidden"> of {item.name}</span>
        </label>
        <input
          ref={input}
          id={`${id}-quantity`}
          type="number"
          inputMode="numeric"
          min={1}
          max={MAX_QUANTITY}
          step={1}
          value={draft}
          aria-invalid={invalid}
          aria-describedby={invalid ? hint : failure ? problem : undefined}
          onChange={(event) => setDraft(event.target.value)}
          onBlur={() => {
            if (wanted === null) setDraft(String(item.quantity));
          }}
        />
      </div>
      <Price cents={item.line_total_cents} currency={currency} />
      <button type="button" className="button button-danger" onClick={() => void onRemove()} aria-disabled={busy}>
        Remove<span className="visually-hidden"> {item.name}</span>
      </button>
      {invalid && (
        <p className="field-error cart-line-message" id={hint}>
          Choose 1 to {MAX_QUANTITY}.
        </p>
      )}
      {failure && (
        <p className="field-error cart-line-message" id={problem} role="alert">
          {failure}
        </p>
      )}
    </li>
  );
}

function parseQuantity(text: string): number | null {
  if (!/^\d+$/.test(text.trim())) return null;
  const value = Number(text);
  return value >= 1 && value <= MAX_QUANTITY ? value : null;
}
