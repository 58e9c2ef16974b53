// @vitest-environment happy-dom
import { act, cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { Link, MemoryRouter, Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PageErrors } from '../../src/ui/error-boundary';
import { focusPageHeading } from '../../src/ui/focus';
import { Page } from '../../src/ui/page';

afterEach(cleanup);

function Broken(): never {
  throw new Error('render failed');
}

describe('page errors', () => {
  it('when a page throws while it renders, then the frame stays, a heading says so with a reload button, and another page works again', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    render(
      <MemoryRouter initialEntries={['/broken']}>
        <nav>
          <Link to="/fine">Products</Link>
        </nav>
        <main>
          <PageErrors>
            <Routes>
              <Route path="/broken" element={<Broken />} />
              <Route path="/fine" element={<Page title="Products">all fine</Page>} />
            </Routes>
          </PageErrors>
        </main>
      </MemoryRouter>,
    );
    expect(screen.getByRole('heading', { level: 1, name: 'This page could not be shown' })).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toContain('Reloading usually helps');
    expect(screen.getByRole('button', { name: 'Reload the page' })).toBeTruthy();

    await userEvent.click(screen.getByRole('link', { name: 'Products' }));
    expect(screen.getByRole('heading', { level: 1, name: 'Products' })).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
    vi.restoreAllMocks();
  });
});

/** A page whose heading comes only once its code has loaded (the button stands for that). */
function LateHeading() {
  const [loaded, setLoaded] = useState(false);
  return (
    <main>
      <button type="button" onClick={() => setLoaded(true)}>
        load
      </button>
      {loaded && <h1 tabIndex={-1}>Admin</h1>}
    </main>
  );
}

describe('focusPageHeading', () => {
  it('when the heading appears only after the page’s code has loaded, then it gets the focus once it is there', async () => {
    render(<LateHeading />);
    focusPageHeading();
    await act(() => new Promise((resolve) => requestAnimationFrame(resolve)));
    expect(document.activeElement?.tagName).not.toBe('H1');
    await act(async () => screen.getByRole('button', { name: 'load' }).click());
    await vi.waitFor(() => expect(document.activeElement?.textContent).toBe('Admin'));
  });

  it('when it is stopped before the heading appears, then the focus stays where it was', async () => {
    render(<LateHeading />);
    const stop = focusPageHeading();
    await act(() => new Promise((resolve) => requestAnimationFrame(resolve)));
    stop();
    const button = screen.getByRole('button', { name: 'load' });
    button.focus();
    await act(async () => button.click());
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(document.activeElement).toBe(button);
  });
});
