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
