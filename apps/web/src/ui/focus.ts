/** Longest wait for a heading that is still loading (a lazily loaded page, such as the admin). */
const HEADING_WAIT_MS = 10_000;

/**
 * Moves the focus to the page's heading once it is there: after a navigation, or after the
 * control that had it disappears (a removed line, a cancelled order's button), the
 * keyboard carries on from a known place. A page whose code still loads gets the focus
 * when its heading appears. Returns a function that stops waiting.
 */
export function focusPageHeading(): () => void {
  let observer: MutationObserver | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = () => {
    observer?.disconnect();
    if (timer !== undefined) clearTimeout(timer);
  };
  const focusHeading = (): boolean => {
    const heading = document.querySelector<HTMLElement>('main h1');
    heading?.focus();
    return heading !== null;
  };
  const frame = requestAnimationFrame(() => {
    if (focusHeading()) return;
    const main = document.querySelector('main');
    if (!main) return;
    observer = new MutationObserver(() => {
      if (focusHeading()) stop();
    });
    observer.observe(main, { childList: true, subtree: true });
    timer = setTimeout(stop, HEADING_WAIT_MS);
  });
  return () => {
    cancelAnimationFrame(frame);
    stop();
  };
}
