import { Component, type ReactNode } from 'react';
import { useLocation } from 'react-router';
import { Page } from './page';

interface State {
  error: unknown;
}

/**
 * A page that throws while it renders, or whose code cannot be loaded (an old chunk gone
 * after the shop was updated), shows this instead of unmounting the whole app: the header
 * and its navigation stay, and reloading fetches the current code.
 */
class PageErrorBoundary extends Component<{ children: ReactNode }, State> {
  state: State = { error: undefined };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error ?? new Error('unknown error') };
  }

  componentDidCatch(error: unknown): void {
    console.error('page failed to render', error);
  }

  render() {
    if (this.state.error === undefined) return this.props.children;
    return (
      <Page title="This page could not be shown">
        <div className="state state-error" role="alert">
          <p>Something went wrong on our side. Reloading usually helps; if it does not, go back to the products.</p>
          <button type="button" className="button" onClick={() => window.location.reload()}>
            Reload the page
          </button>
        </div>
      </Page>
    );
  }
}

/** The boundary for the current page: navigating elsewhere starts afresh. */
export function PageErrors({ children }: { children: ReactNode }) {
  const { pathname } = useLocation();
  return <PageErrorBoundary key={pathname}>{children}</PageErrorBoundary>;
}
