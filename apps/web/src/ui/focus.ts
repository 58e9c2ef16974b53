/**
 * Moves the focus to the page's heading on the next frame (returned, to cancel): after a
 * navigation, or after the control that had it disappears (a removed line, a cancelled
 * order's button), the keyboard carries on from a known place.
 */
export function focusPageHeading(): number {
  return requestAnimationFrame(() => document.querySelector<HTMLElement>('main h1')?.focus());
}
