// After `npm run build`: load the built package by its own name, as an installer would, in
// both module systems, and fail if an entry point or export is missing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const expected = {
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
for (const [entry, names] of Object.entries(expected)) {
  const esm = await import(entry);
  const cjs = require(entry);
  for (const name of names) {
    assert.equal(typeof esm[name], 'function', `${entry} (ESM) exports ${name}`);
    assert.equal(typeof cjs[name], 'function', `${entry} (CommonJS) exports ${name}`);
  }
}
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
// The browser entry and everything it imports must stay free of Node built-ins (pages load it).
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
console.log('package entry points OK (ESM and CommonJS)');
