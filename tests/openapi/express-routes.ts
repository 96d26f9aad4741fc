// The routes an Express 5 app really serves, read from its router stack (router 2.x keeps
// each layer's path as given in `rawPath`). Independent of the OpenAPI registry on purpose:
// this is what the document is checked against.
import type { Express } from 'express';

export interface ServedRoute {
  method: string;
  /** As Express matches it: `/api/v1/transactions/:id`. */
  path: string;
}

interface Layer {
  rawPath?: string | string[];
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

export function servedRoutes(app: Express): ServedRoute[] {
  const root = (app as unknown as { router: { stack: Layer[] } }).router;
  return walk(root.stack, '');
}

function walk(stack: Layer[], prefix: string): ServedRoute[] {
  return stack.flatMap((layer) => {
    if (layer.route) {
      return paths(layer.route.path).flatMap((path) =>
        Object.keys(layer.route!.methods)
          .filter((method) => method !== '_all')
          .map((method) => ({ method, path: join(prefix, path) })),
      );
    }
    const inner = layer.handle?.stack;
    if (!inner) return []; // middleware: serves no route of its own
    return paths(layer.rawPath ?? '/').flatMap((mount) => walk(inner, join(prefix, mount)));
  });
}

function paths(path: string | string[]): string[] {
  if (Array.isArray(path)) return path;
  if (typeof path !== 'string')
    throw new Error(`Route path ${String(path)} is not a string: the coverage check cannot read it`);
  return [path];
}

function join(prefix: string, path: string): string {
  const joined = `${prefix}/${path}`.replace(/\/{2,}/g, '/');
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}
