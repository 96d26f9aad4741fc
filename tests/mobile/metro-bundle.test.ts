// React Native's own bundler, Metro, run offline on an app that installs the SDK: the SDK's
// CommonJS build (compiled here into the app's node_modules, so the repository's sdk/dist is left
// alone for the tests that pack it), and socket.io-client with its dependencies as the repository
// installed them. Metro knows no Node built-ins: one imported anywhere fails the bundle.
// Not covered: the React Native Babel preset (ES module and TypeScript sources), which the app
// would bring; the SDK's CommonJS build needs no transform.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ConfigT, InputConfigT } from 'metro-config';

const ROOT = path.join(__dirname, '..', '..');
const METRO_MS = 120_000;
const metroRuntime = path.join(ROOT, 'node_modules', 'metro-runtime');

let app: string;
beforeAll(() => {
  app = fs.mkdtempSync(path.join(os.tmpdir(), 'rn-app-'));
  const sdk = path.join(app, 'node_modules', '@mpesa-bridge', 'sdk');
  fs.mkdirSync(sdk, { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'sdk', 'package.json'), path.join(sdk, 'package.json'));
  execFileSync(
    path.join(ROOT, 'node_modules', '.bin', 'tsc'),
    ['-p', path.join(ROOT, 'sdk', 'tsconfig.cjs.json'), '--outDir', path.join(sdk, 'dist', 'cjs')],
    { cwd: ROOT },
  );
  // The SDK's runtime dependencies, each with its own, copied as npm would have installed them.
  const copied = new Set<string>();
  const install = (name: string) => {
    if (copied.has(name)) return;
    copied.add(name);
    const from = path.join(ROOT, 'node_modules', name);
    fs.cpSync(from, path.join(app, 'node_modules', name), { recursive: true, dereference: true });
    const manifest = JSON.parse(fs.readFileSync(path.join(from, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    Object.keys(manifest.dependencies ?? {}).forEach(install);
  };
  Object.keys(
    (
      JSON.parse(fs.readFileSync(path.join(sdk, 'package.json'), 'utf8')) as {
        dependencies: Record<string, string>;
      }
    ).dependencies,
  ).forEach(install);
  fs.writeFileSync(
    path.join(app, 'package.json'),
    '{ "name": "rn-app", "version": "1.0.0", "private": true }\n',
  );
}, METRO_MS);
afterAll(() => fs.rmSync(app, { recursive: true, force: true }));

/** Metro as a React Native app's metro.config.js sets it up: the react-native field and condition first. */
async function metroBundle(entry: string): Promise<string> {
  const Metro = await import('metro');
  const { getDefaultConfig, mergeConfig } = await import('metro-config');
  const config: ConfigT = mergeConfig(await getDefaultConfig(app), {
    projectRoot: app,
    // Metro's own runtime (the module system its bundles call into; react-native brings it into
    // an app) comes from where Metro is installed.
    watchFolders: [app, metroRuntime],
    resetCache: true,
    // Kept in the app's folder, removed with it; one worker on a shared machine.
    fileMapCacheDirectory: path.join(app, '.metro-cache'),
    maxWorkers: 1,
    resolver: {
      resolverMainFields: ['react-native', 'browser', 'main'],
      unstable_enablePackageExports: true,
      unstable_conditionNames: ['react-native', 'require', 'default'],
      extraNodeModules: { 'metro-runtime': metroRuntime },
    },
    cacheStores: [],
    reporter: { update: () => undefined },
  } as InputConfigT);
  const out = path.join(app, 'bundle.js');
  await Metro.runBuild(config, { entry, platform: 'android', dev: true, minify: false, out });
  return fs.readFileSync(out, 'utf8');
}

describe('the browser entry, bundled by Metro for Android', () => {
  it(
    'when an app requires @mpesa-bridge/sdk/browser, then Metro bundles it with the platform WebSocket and no Node module',
    async () => {
      fs.writeFileSync(
        path.join(app, 'index.js'),
        "const { subscribeToTransaction } = require('@mpesa-bridge/sdk/browser');\nmodule.exports = subscribeToTransaction;\n",
      );
      const bundle = await metroBundle('index.js');
      const modules = [...bundle.matchAll(/"(node_modules\/[^"]+\.js)"/g)].map((match) => match[1]);
      expect(modules).toContain('node_modules/@mpesa-bridge/sdk/dist/cjs/browser.js');
      expect(modules).toContain('node_modules/engine.io-client/build/cjs/transports/websocket.js');
      expect(modules.filter((name) => /\.node\.js$|\/ws\/|xmlhttprequest-ssl/.test(name!))).toEqual([]);
    },
    METRO_MS,
  );

  it(
    'when an app requires a Node built-in, then Metro refuses to bundle it (the check can fail)',
    async () => {
      fs.writeFileSync(path.join(app, 'node-only.js'), "module.exports = require('node:crypto');\n");
      await expect(metroBundle('node-only.js')).rejects.toThrow(/Unable to resolve module node:crypto/);
    },
    METRO_MS,
  );
});
