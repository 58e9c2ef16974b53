import { useEffect, useRef } from 'react';

/**
 * Shows a native <dialog> as a modal while `open`: showModal() moves the focus in and keeps
 * it there, Escape asks to close, and the page behind is inert. Put the ref on the dialog.
 */
export function useModal(open: boolean) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) element.showModal();
    if (!open && element.open) element.close();
  }, [open]);
  return dialog;
}
