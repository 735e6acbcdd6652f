import type { Connection } from 'mongoose';
import type { App } from '../../server/src/app.js';

/** The app's HTTP routes, read from its routers (test/integration/csrf-matrix.test.ts). */
export interface RouteEntry {
  method: string;
  path: string;
}

/** Express 5's router layers, as far as this walk reads them. */
export interface Layer {
  rawPath?: string;
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/**
 * Every route of the app, read from its routers: a route added tomorrow is in the list without
 * anyone writing it down. Mount paths are joined (`app.use('/api', api)`, `api.use(router)`).
 */
export function routesOf(stack: Layer[], prefix = ''): RouteEntry[] {
  return stack.flatMap((layer): RouteEntry[] => {
    const here = layer.rawPath && layer.rawPath !== '/' ? prefix + layer.rawPath : prefix;
    if (layer.route) {
      return Object.keys(layer.route.methods).map((method) => ({
        method: method.toUpperCase(),
        path: prefix + layer.route!.path,
      }));
    }
    return layer.handle?.stack ? routesOf(layer.handle.stack, here) : [];
  });
}

/** Every route of a running app, from its HTTP router (`App.http`). */
export function appRoutes(app: App): RouteEntry[] {
  const { router } = app.http as unknown as { router: { stack: Layer[] } };
  return routesOf(router.stack);
}

/**
 * A URL for a route: `teamId` for the team, the care plan for a note, `otherId` for every other
 * parameter (a made-up id, so that only the route's checks decide the answer).
 */
export function urlFor(path: string, teamId: string, otherId: string): string {
  return path
    .replace(':teamId', teamId)
    .replace(':doc', 'plan')
    .replace(/:\w+/g, otherId)
    .replace(/\/$/, '');
}

/**
 * Documents per collection of every model, to show a request wrote nothing (the stand-in
 * database cannot list its collections).
 */
export async function documentCounts(db: Connection): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of db.modelNames().sort()) {
    const { collection } = db.model(name);
    out[collection.name] = await collection.countDocuments();
  }
  return out;
}
