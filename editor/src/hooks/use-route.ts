import { useEffect, useState } from 'react';

/** The editor's pages: the scenario list, and one scenario. */
export type Route = { page: 'list' } | { page: 'scenario'; scenarioId: string };

/** Reads a path as a route. @example parseRoute('/scenarios/user-segmentation') */
export function parseRoute(pathname: string): Route {
  const m = /^\/scenarios\/([^/]+)\/?$/.exec(pathname);
  return m ? { page: 'scenario', scenarioId: decodeURIComponent(m[1]) } : { page: 'list' };
}

/** Guards leaving the page; set while the open scenario has unsaved changes. */
let leaveGuard: (() => boolean) | undefined;

/** @example setLeaveGuard(() => confirm('Discard changes?')) */
export function setLeaveGuard(guard: (() => boolean) | undefined): void {
  leaveGuard = guard;
}

/** The path whose page is shown: where a refused back or forward puts the address bar back. */
let shownPath = location.pathname;
/** True while `navigate` announces its own move, which has passed the guard already. */
let navigating = false;

/** Goes to a path with the History API (no router library). @example navigate('/scenarios/abc') */
export function navigate(path: string): void {
  if (path === location.pathname) return;
  if (leaveGuard && !leaveGuard()) return;
  history.pushState(null, '', path);
  navigating = true;
  try {
    dispatchEvent(new PopStateEvent('popstate'));
  } finally {
    navigating = false;
  }
}

/**
 * The current route, following back/forward.
 *
 * @example const route = useRoute(); if (route.page === 'scenario') …
 */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.pathname));
  useEffect(() => {
    const onPop = () => {
      // The browser's Back or Forward has already moved the address; unsaved changes must be asked about
      // all the same (they were lost without a word), and when the answer is stay, the address goes back.
      if (!navigating && location.pathname !== shownPath && leaveGuard && !leaveGuard()) {
        history.pushState(null, '', shownPath);
        return;
      }
      shownPath = location.pathname;
      setRoute(parseRoute(location.pathname));
    };
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  return route;
}
