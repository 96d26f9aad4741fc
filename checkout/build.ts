// Builds the hosted checkout page (checkout/src) into checkout/build, which the service serves
// under /checkout/assets (src/checkout/checkout.assets.ts): page.js and page.css for the page,
// button.js for merchants' sites. esbuild bundles the Socket.io client from node_modules:
// nothing is fetched at build or at run time. `npm run build:checkout`; npm start, npm test and
// npm run build run it first.
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = __dirname;
const out = path.join(root, 'build');

export async function buildCheckout(): Promise<string> {
  fs.mkdirSync(out, { recursive: true });
  await build({
    entryPoints: { page: path.join(root, 'src', 'page.ts'), button: path.join(root, 'src', 'button.ts') },
    bundle: true,
    outdir: out,
    format: 'iife',
    // Browsers of cheap Android phones a few years old.
    target: ['es2019', 'chrome70'],
    minify: true,
    sourcemap: true,
    legalComments: 'linked',
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  await build({
    entryPoints: [path.join(root, 'src', 'page.css')],
    bundle: true,
    outfile: path.join(out, 'page.css'),
    minify: true,
    logLevel: 'warning',
  });
  // Compressed once here, served as they are to browsers that take gzip (checkout.assets.ts):
  // the cheap phone on a slow network gets a fifth of the bytes without a proxy's help.
  for (const name of ['page.js', 'page.css', 'button.js'])
    fs.writeFileSync(
      path.join(out, `${name}.gz`),
      gzipSync(fs.readFileSync(path.join(out, name)), { level: 9 }),
    );
  return out;
}

if (require.main === module) {
  buildCheckout().then(
    (dir) => console.log(`checkout page built into ${path.relative(process.cwd(), dir)}`),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
