/**
 * Lists every route an Express 5 app answers, by walking its router stack
 * (routers mounted with `app.use(path, router)` included), so a security
 * test covers a route added tomorrow without being told about it.
 */
import type { Express } from 'express';

export interface AppRoute {
  /** `ALL` for a mounted sub-app, whose own routes cannot be listed. */
  method: string;
  /** Full path pattern, e.g. `/api/runs/:id/cancel`. */
  path: string;
}

interface Layer {
  name?: string;
  rawPath?: string | string[];
  route?: { path: string; methods: Record<string, boolean> };
  /** A router (`stack`), or a mounted sub-app (Express 4's `_router`, Express 5's `router`), as bull-board mounts. */
  handle?: { stack?: Layer[]; _router?: { stack: Layer[] }; router?: { stack: Layer[] } };
}

const join = (a: string, b: string) => (a + '/' + b).replace(/\/+/g, '/').replace(/(.)\/$/, '$1');

/**
 * @example listRoutes(server.app).filter((r) => r.path.startsWith('/api'))
 */
export function listRoutes(app: Express): AppRoute[] {
  const routes: AppRoute[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      const raw = Array.isArray(layer.rawPath) ? layer.rawPath[0] : layer.rawPath;
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) if (method !== '_all') routes.push({ method: method.toUpperCase(), path: join(prefix, layer.route.path) });
      } else if (layer.name === 'mounted_app') {
        // A sub-app (bull-board's) hides its routes in a closure: record the mount point itself.
        routes.push({ method: 'ALL', path: join(prefix, String(raw ?? '/')) });
      } else {
        const inner = layer.handle?.stack ?? layer.handle?._router?.stack ?? layer.handle?.router?.stack;
        if (inner) walk(inner, typeof raw === 'string' && raw !== '/' ? join(prefix, raw) : prefix);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return routes;
}

/** A concrete URL for a route pattern: every `:param` and `*wildcard` filled with a harmless value. */
export function concretePath(pattern: string): string {
  return pattern.replace(/:(\w+)/g, 'probe-$1').replace(/\*(\w+)/g, 'probe/$1').replace(/[{}]/g, '');
}
