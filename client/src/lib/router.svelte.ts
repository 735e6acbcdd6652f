import { createContext } from 'svelte';

/** Minimal history-API router: the current path, and navigation that keeps it in sync. */
export class Router {
  path = $state(window.location.pathname);

  constructor() {
    window.addEventListener('popstate', () => {
      this.path = window.location.pathname;
    });
  }

  navigate(to: string, { replace = false }: { replace?: boolean } = {}): void {
    if (to === this.path) return;
    if (replace) window.history.replaceState(null, '', to);
    else window.history.pushState(null, '', to);
    this.path = to;
  }

  /** Click handler for in-app links: plain left clicks navigate without reloading. */
  readonly link = (event: MouseEvent): void => {
    const anchor = event.currentTarget;
    if (!(anchor instanceof HTMLAnchorElement)) return;
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    if (anchor.target && anchor.target !== '_self') return;
    if (anchor.origin !== window.location.origin) return;
    event.preventDefault();
    this.navigate(anchor.pathname);
  };
}

const [getRouter, setRouter] = createContext<Router>();
export { getRouter, setRouter };
