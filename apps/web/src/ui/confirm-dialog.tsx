import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { describeError } from '../api/problem';
import { useModal } from './use-modal';

/**
 * A modal question before something that cannot be undone. The safe answer comes first and
 * takes the focus, so Enter on a dialog just opened destroys nothing. While the confirmed
 * action runs, the dialog cannot be closed and a second confirmation does nothing; if it
 * fails, why is said inside the dialog, which stays open for another try or the safe answer.
 */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  cancelLabel,
  onConfirm,
  onClose,
}: {
  open: boolean;
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  cancelLabel: string;
  /** Does it; closing the dialog after (or going elsewhere) is the caller's. A failure it throws is shown. */
  onConfirm(): Promise<void>;
  /** The safe answer, or Escape. */
  onClose(): void;
}) {
  const dialog = useModal(open);
  const keep = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(undefined);

  useEffect(() => {
    if (open) keep.current?.focus();
  }, [open]);

  // A ref as well as the state: two clicks in one tick see the first one running.
  const running = useRef(false);
  const confirm = async () => {
    if (running.current) return;
    running.current = true;
    setBusy(true);
    setFailure(undefined);
    try {
      await onConfirm();
    } catch (error) {
      setFailure(error);
    } finally {
      running.current = false;
      setBusy(false);
    }
  };

  const close = () => {
    if (running.current) return;
    setFailure(undefined);
    onClose();
  };

  return (
    <dialog
      ref={dialog}
      className="confirm-dialog"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        close();
      }}
    >
      <h2 id={titleId}>{title}</h2>
      {children}
      {failure !== undefined && (
        <p className="notice notice-error" role="alert">
          {describeError(failure)}
        </p>
      )}
      <div className="row confirm-dialog-actions">
        <button type="button" className="button" onClick={close} disabled={busy} ref={keep}>
          {cancelLabel}
        </button>
        <button
          type="button"
          className="button button-danger"
          onClick={() => void confirm()}
          // Still focusable while it runs: the keyboard stays where it was.
          aria-disabled={busy || undefined}
        >
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
