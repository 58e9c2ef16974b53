// @vitest-environment happy-dom
import { act, cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfirmDialog } from '../../src/ui/confirm-dialog';

afterEach(cleanup);

describe('confirm dialog', () => {
  it('when it opens, then the safe answer has the focus; confirmed twice while it runs, the action runs once; failing, it says why and stays open', async () => {
    let runs = 0;
    let fail: (error: Error) => void = () => undefined;
    let closed = 0;
    render(
      <ConfirmDialog
        open
        title="Archive Rye Bread?"
        confirmLabel="Yes, archive it"
        cancelLabel="Keep it"
        onConfirm={() => {
          runs++;
          return new Promise<void>((_, reject) => {
            fail = reject;
          });
        }}
        onClose={() => closed++}
      >
        <p>This cannot be undone.</p>
      </ConfirmDialog>,
    );
    const dialog = screen.getByRole('dialog', { name: 'Archive Rye Bread?' });
    const keep = within(dialog).getByRole('button', { name: 'Keep it' });
    expect(document.activeElement).toBe(keep);

    const user = userEvent.setup();
    const confirm = within(dialog).getByRole('button', { name: 'Yes, archive it' });
    await user.click(confirm);
    await user.click(confirm);
    expect(runs).toBe(1);
    expect(confirm.getAttribute('aria-disabled')).toBe('true');
    expect((keep as HTMLButtonElement).disabled).toBe(true);

    await act(async () => fail(new Error('The product is in an open order.')));
    expect(within(dialog).getByRole('alert').textContent).toBe('The product is in an open order.');
    expect(closed).toBe(0);

    await user.click(keep);
    expect(closed).toBe(1);
  });
});
