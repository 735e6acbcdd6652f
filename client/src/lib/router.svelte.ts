import { createContext } from 'svelte';
import { queryParam, splitLocation } from './routes.js';

/** Minimal history-API router: the current path and query, and navigation that keeps them in sync. */
export class Router {
  path = $state(window.location.pathname);
  /** The query string, `?` included (empty when none). */
  search = $state(window.location.search);

  /** A parameter of the query string, or null. */
  param(name: string): string | null {
    return queryParam(this.search, name);
  }

  constructor() {
    window.addEventListener('popstate', () => {
      this.path = window.location.pathname;
      this.search = window.location.search;
    });
  }

  navigate(to: string, { replace = false }: { replace?: boolean } = {}): void {
    const { path, search } = splitLocation(to);
    if (path === this.path && search === this.search) return;
    if (replace) window.history.replaceState(null, '', path + search);
    else window.history.pushState(null, '', path + search);
    this.path = path;
    this.search = search;
  }

  /** Click handler for in-app links: plain left clicks navigate without reloading. */
  readonly link = (event: MouseEvent): void => {
    const anchor = event.currentTarget;
    if (!(anchor instanceof HTMLAnchorElement)) return;
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    if (anchor.target && anchor.target !== '_self') return;
    if (anchor.hasAttribute('download')) return;
    if (anchor.origin !== window.location.origin) return;
    event.preventDefault();
    this.navigate(anchor.pathname + anchor.search);
  };
}

const [getRouter, setRouter] = createContext<Router>();
export { getRouter, setRouter };
