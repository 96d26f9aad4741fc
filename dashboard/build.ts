// Builds the dashboard (dashboard/src) into dashboard/build, which the service serves at
// /dashboard (src/operators/dashboard.pages.ts), and the API reference's script
// (dashboard/src/reference, served beside it as /dashboard/reference.js for GET /docs). esbuild bundles Preact, Chart.js and the
// Socket.io client from node_modules: nothing is fetched at build or at run time.
// `npm run build:dashboard`; npm start, npm test and npm run build run it first.
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const root = __dirname;
const out = path.join(root, 'build');

export async function buildDashboard(options: { minify?: boolean } = {}): Promise<string> {
  fs.mkdirSync(out, { recursive: true });
  await build({
    entryPoints: [
      { in: path.join(root, 'src', 'main.tsx'), out: 'app' },
      { in: path.join(root, 'src', 'reference', 'main.ts'), out: 'reference' },
    ],
    bundle: true,
    outdir: out,
    format: 'iife',
    target: ['es2020'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: options.minify ?? true,
    sourcemap: true,
    legalComments: 'linked',
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  fs.copyFileSync(path.join(root, 'src', 'index.html'), path.join(out, 'index.html'));
  fs.copyFileSync(path.join(root, 'src', 'app.css'), path.join(out, 'app.css'));
  return out;
}

if (require.main === module) {
  buildDashboard().then(
    (dir) => console.log(`dashboard built into ${path.relative(process.cwd(), dir)}`),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
