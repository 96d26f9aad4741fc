// After `npm run build`: the package holds exactly what an installer needs (compared file by file
// with what the sources build to), every export entry resolves to code and types in both module
// systems, and the built package loads by its own name, as an installer would, in both.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  checkTypesResolve,
  checkVersionAndChangelog,
  forbiddenInPackage,
} from '../../scripts/package-rules.mjs';

const require = createRequire(import.meta.url);
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

// What `npm pack` would put in the tarball, against what the sources build to: a stray file (a
// test, an .env, a source map of something that is not shipped) or a missing one fails here.
const [packed] = JSON.parse(
  execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' }),
);
const files = packed.files.map((file) => file.path).sort();
const modules = readdirSync(path.join(root, 'src'))
  .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))
  .map((name) => name.slice(0, -'.ts'.length));
const expected = [
  'CHANGELOG.md',
  'LICENSE',
  'README.md',
  'package.json',
  'dist/esm/package.json',
  ...modules.flatMap((name) =>
    ['cjs', 'esm'].flatMap((format) =>
      ['.js', '.js.map', '.d.ts'].map((ext) => `dist/${format}/${name}${ext}`),
    ),
  ),
].sort();
assert.deepEqual(
  files,
  expected,
  'the package holds exactly the built modules, README, LICENSE and CHANGELOG',
);
assert.deepEqual(
  forbiddenInPackage(files, root),
  [],
  'no tests, sources, secrets or dotfiles in the package',
);

checkVersionAndChangelog(root, manifest.version);
const { SDK_VERSION } = require(path.join(root, 'dist', 'cjs', 'version.js'));
assert.equal(SDK_VERSION, manifest.version, 'SDK_VERSION (sent in the User-Agent) is the package version');

// Every entry of "exports", as TypeScript resolves it for an ES module, a CommonJS module, a
// bundler and the old node10 resolution (typesVersions): to the right .d.ts, which type-checks.
checkTypesResolve({
  packageRoot: root,
  files,
  entries: {
    '@mpesa-bridge/sdk': 'createClient',
    '@mpesa-bridge/sdk/browser': 'subscribeToTransaction',
    '@mpesa-bridge/sdk/types': null,
  },
  typeOnly: { '@mpesa-bridge/sdk/types': 'ClientTransaction' },
});

const expectedExports = {
  '@mpesa-bridge/sdk': [
    'createClient',
    'verifyWebhook',
    'subscribeToTransaction',
    'MpesaBridgeError',
    'MpesaBridgeTimeoutError',
    'WebhookVerificationError',
  ],
  '@mpesa-bridge/sdk/browser': ['subscribeToTransaction', 'MpesaBridgeError', 'isFinalStatus'],
};
for (const [entry, names] of Object.entries(expectedExports)) {
  const esm = await import(entry);
  const cjs = require(entry);
  for (const name of names) {
    assert.equal(typeof esm[name], 'function', `${entry} (ESM) exports ${name}`);
    assert.equal(typeof cjs[name], 'function', `${entry} (CommonJS) exports ${name}`);
  }
}
// The types-only entry loads (an empty module) in both systems, so a stray value import does not crash.
await import('@mpesa-bridge/sdk/types');
require('@mpesa-bridge/sdk/types');
// The client's resources, built in both module systems.
for (const { createClient } of [await import('@mpesa-bridge/sdk'), require('@mpesa-bridge/sdk')]) {
  const client = createClient({ baseUrl: 'http://127.0.0.1:1', publicKey: 'pk_x', secretKey: 'sk_x' });
  for (const [resource, methods] of Object.entries({
    transactions: ['initiate', 'get', 'list', 'reconcile', 'waitForResult'],
    webhookEndpoints: [
      'create',
      'list',
      'get',
      'update',
      'delete',
      'rotateSecret',
      'deliveries',
      'redeliverFailed',
    ],
    events: ['list', 'get', 'redeliver'],
  })) {
    for (const method of methods)
      assert.equal(typeof client[resource][method], 'function', `client.${resource}.${method}`);
  }
  assert.equal(typeof client.request, 'function', 'client.request');
}
// The browser entry and everything it imports must stay free of Node built-ins (pages and
// React Native load it; tests/mobile bundles it for a React Native-like target).
const seen = new Set();
const visit = (file) => {
  if (seen.has(file.href)) return;
  seen.add(file.href);
  const source = readFileSync(file, 'utf8');
  assert.doesNotMatch(
    source,
    /(?:from|import)\s*\(?\s*['"]node:/,
    `${file.pathname} imports a Node built-in`,
  );
  for (const [, relative] of source.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g))
    visit(new URL(relative, file));
};
visit(new URL('../dist/esm/browser.js', import.meta.url));
assert.ok(seen.size > 1, 'followed the browser entry into its imports');
console.log(
  `${manifest.name} ${manifest.version}: ${files.length} files as expected, types resolve for every entry, entry points load (ESM and CommonJS)`,
);
