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

export function createCheckoutAssets(build = findCheckoutBuild()): Router {
  const router = Router({ caseSensitive: true });
  if (!build) return router;
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
