// @vitest-environment happy-dom
import { act, cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { LoadMore } from '../../src/ui/load-more';
import { type PageOf, usePagedList } from '../../src/ui/use-paged-list';

type Item = { id: number };

/** A loader the test answers by hand: each call waits until the test settles it. */
function manualLoader() {
  const calls: Array<{ cursor: string | undefined; answer(page: PageOf<Item>): void; fail(error: Error): void }> = [];
  const load = (cursor: string | undefined) =>
    new Promise<PageOf<Item>>((resolve, reject) => calls.push({ cursor, answer: resolve, fail: reject }));
  return { calls, load };
}

function List({ load }: { load(cursor: string | undefined): Promise<PageOf<Item>> }) {
  const list = usePagedList<Item>(load, ['items']);
  return (
    <>
      <ul>
        {list.items.map((item) => (
          <li key={item.id}>Item {item.id}</li>
        ))}
      </ul>
      <LoadMore list={list} what="items" />
    </>
  );
}

afterEach(cleanup);

describe('paged list', () => {
  it('when Load more is pressed twice while the next page loads, then it is asked for once and appended once', async () => {
    const { calls, load } = manualLoader();
    render(<List load={load} />);
    await act(async () => calls[0]?.answer({ items: [{ id: 1 }], next_cursor: 'c2' }));
    const user = userEvent.setup();
    const button = screen.getByRole('button', { name: 'Load more' });

    await user.click(button);
    await user.click(button);
    expect(calls.map((call) => call.cursor)).toEqual([undefined, 'c2']);
    expect(button.getAttribute('aria-disabled')).toBe('true');
    expect(screen.getByRole('status').textContent).toBe('Loading more items…');

    await act(async () => calls[1]?.answer({ items: [{ id: 1 }, { id: 2 }], next_cursor: null }));
    expect(screen.getAllByRole('listitem').map((item) => item.textContent)).toEqual(['Item 1', 'Item 2']);
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
  });

  it('when the next page fails, then the loaded items stay, the reason is said, and Load more asks for the same cursor', async () => {
    const { calls, load } = manualLoader();
    render(<List load={load} />);
    await act(async () => calls[0]?.answer({ items: [{ id: 1 }], next_cursor: 'c2' }));
    const user = userEvent.setup();

    await user.click(screen.getByRole('button', { name: 'Load more' }));
    await act(async () => calls[1]?.fail(new Error('The line went dead.')));
    expect(screen.getByRole('alert').textContent).toBe('More items could not be loaded. The line went dead.');
    expect(screen.getAllByRole('listitem')).toHaveLength(1);

    await user.click(screen.getByRole('button', { name: 'Load more' }));
    expect(calls.map((call) => call.cursor)).toEqual([undefined, 'c2', 'c2']);
  });
});
