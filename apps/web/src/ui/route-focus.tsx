import { useEffect, useRef } from 'react';
import { useLocation } from 'react-router';
import { focusPageHeading } from './focus';

/**
 * After each navigation (not the first page of a visit), the focus moves to the new page's
 * heading, once it is there: a screen reader announces where the reader is, and the
 * keyboard starts there.
 * Only the query changing (a filter) is not a navigation.
 */
export function RouteFocus() {
  const { pathname } = useLocation();
  const first = useRef(true);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on each new path, which is the point.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    return focusPageHeading();
  }, [pathname]);
  return null;
}
