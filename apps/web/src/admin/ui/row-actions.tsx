import { useState } from 'react';
import { describeError } from '../../api/problem';

/** What became of the last action on a row, said right under it. */
export interface RowOutcome {
  id: number;
  ok: boolean;
  text: string;
}

/**
 * Actions on a list's rows: which row is busy, the server's answer put in the row's place,
 * and what became of it, said under that row (OutcomeRow).
 */
export function useRowActions<T extends { id: number }>(list: { replace(item: T): void }) {
  const [busy, setBusy] = useState<number | null>(null);
  const [outcome, setOutcome] = useState<RowOutcome | null>(null);

  /**
   * Runs `call` for `row`. `done` says what it did; `failed` begins what a failure says under
   * the row; without it a failure is thrown instead (for a dialog to say).
   */
  const run = async (
    row: T,
    { call, done, failed }: { call(): Promise<T>; done(updated: T): string; failed?: string },
  ): Promise<void> => {
    setBusy(row.id);
    setOutcome(null);
    try {
      const updated = await call();
      list.replace(updated);
      setOutcome({ id: row.id, ok: true, text: done(updated) });
    } catch (error) {
      if (failed === undefined) throw error;
      setOutcome({ id: row.id, ok: false, text: `${failed} ${describeError(error)}` });
    } finally {
      setBusy(null);
    }
  };

  return { busy, run, outcomeOf: (id: number) => (outcome?.id === id ? outcome : null) };
}

/** The row under a table row that says what became of the last action on it. */
export function OutcomeRow({ outcome, columns }: { outcome: RowOutcome | null; columns: number }) {
  if (!outcome) return null;
  return (
    <tr className="admin-row-message">
      <td colSpan={columns}>
        <p className={outcome.ok ? 'notice' : 'notice notice-error'} role={outcome.ok ? 'status' : 'alert'}>
          {outcome.text}
        </p>
      </td>
    </tr>
  );
}
