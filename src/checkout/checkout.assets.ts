// The hosted page's script and styles and the embeddable button's script, built from checkout/
// (npm run build:checkout, esbuild) and served by the service itself: no CDN. button.js is loaded
// by merchants' sites on other origins, so every asset here may be read across origins.
import fs from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';

/** checkout/build above this file: src/checkout in development, dist/checkout when compiled. */
export function findCheckoutBuild(): string | undefined {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'checkout', 'build');
    if (fs.existsSync(path.join(candidate, 'page.js'))) return candidate;
  }
  return undefined;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

export function createCheckoutAssets(build = findCheckoutBuild()): Router {
  const router = Router({ caseSensitive: true });
  if (!build) return router;
  // The build's gzipped copies (checkout/build.ts), for browsers that take gzip.
  const gzipped = new Set(fs.readdirSync(build).filter((name) => name.endsWith('.gz')));
  // Middleware, not a route: the served-route walks (tests/openapi) see API routes only.
  router.use((req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !/^\/[\w.-]+\.(js|css)$/.test(req.path))
      return next();
    const name = req.path.slice(1);
    if (!gzipped.has(`${name}.gz`) || !req.acceptsEncodings('gzip')) return next();
    res.set({
      'Content-Encoding': 'gzip',
      'Content-Type': TYPES[path.extname(name)]!,
      Vary: 'Accept-Encoding',
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
      'Cross-Origin-Resource-Policy': 'cross-origin',
    });
    res.sendFile(`${name}.gz`, { root: build, dotfiles: 'allow' });
  });
  router.use(
    express.static(build, {
      index: false,
      setHeaders: (res) => {
        res.setHeader('Cache-Control', 'no-cache');
        res.setHeader('X-Content-Type-Options', 'nosniff');
        res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
      },
    }),
  );
  return router;
}
