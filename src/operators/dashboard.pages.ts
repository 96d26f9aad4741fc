// The dashboard's pages at /dashboard: a bundle built from dashboard/ (npm run build:dashboard,
// esbuild), served by the service itself: no CDN, works offline. Its own Content-Security-Policy
// allows nothing but this origin (no inline script or style, no frames), so an injected string
// can neither run nor load anything.
import fs from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';
import helmet from 'helmet';

export const DASHBOARD_PATH = '/dashboard';

/** dashboard/build above this file: src/operators in development, dist/operators when compiled. */
export function findDashboardBuild(): string | undefined {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'dashboard', 'build');
    if (fs.existsSync(path.join(candidate, 'index.html'))) return candidate;
  }
  return undefined;
}

export function createDashboardPages(build = findDashboardBuild()): Router {
  const router = Router();
  router.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          fontSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
      referrerPolicy: { policy: 'same-origin' },
    }),
  );
  router.get('/', (req, res) => {
    // /dashboard → /dashboard/, so the bundle's relative URLs resolve under it.
    if (!req.originalUrl.split('?')[0]!.endsWith('/')) return res.redirect(301, `${DASHBOARD_PATH}/`);
    if (!build) {
      return res
        .status(503)
        .type('text/plain')
        .send(
          'The dashboard is not built: run `npm run build:dashboard` (npm start, npm test and npm run build do it for you).',
        );
    }
    res.set('Cache-Control', 'no-cache');
    res.sendFile(path.join(build, 'index.html'));
  });
  if (build)
    router.use(
      express.static(build, {
        index: false,
        setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache'),
      }),
    );
  return router;
}
