// After `npm run build`: the package holds exactly what an installer needs (bin, the built
// modules with their maps, README, LICENSE, CHANGELOG; never the sources or tests), carries a
// version with its CHANGELOG heading, depends on the SDK of the same release, and the built
// command runs from dist/ with the built SDK.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkVersionAndChangelog, forbiddenInPackage } from '../../scripts/package-rules.mjs';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const [packed] = JSON.parse(
  execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' }),
);
const files = packed.files.map((file) => file.path).sort();
const modules = readdirSync(path.join(root, 'src'), { recursive: true })
  .map((name) => name.split(path.sep).join('/'))
  .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))
  .map((name) => name.slice(0, -'.ts'.length));
const expected = [
  'CHANGELOG.md',
  'LICENSE',
  'README.md',
  'package.json',
  'bin/mpesa-bridge.js',
  ...modules.flatMap((name) => [`dist/${name}.js`, `dist/${name}.js.map`]),
].sort();
assert.deepEqual(
  files,
  expected,
  'the package holds exactly bin, the built modules, README, LICENSE and CHANGELOG',
);
assert.deepEqual(
  forbiddenInPackage(files, root),
  [],
  'no tests, sources, secrets or dotfiles in the package',
);

const manifest = require('../package.json');
checkVersionAndChangelog(root, manifest.version);
assert.equal(manifest.bin['mpesa-bridge'], 'bin/mpesa-bridge.js');
// One release moves both packages: the CLI asks for the SDK of its own version.
const sdkVersion = JSON.parse(readFileSync(path.join(root, '..', 'sdk', 'package.json'), 'utf8')).version;
assert.equal(
  manifest.dependencies['@mpesa-bridge/sdk'],
  `^${sdkVersion}`,
  'depends on the SDK of this release',
);

// The built entry, as the launcher runs it in an installed package.
let printed = '';
const io = {
  stdout: { write: (text) => (printed += text), isTTY: false },
  stderr: { write: (text) => (printed += text), isTTY: false },
  stdin: process.stdin,
  env: {},
};
const code = await require(path.join(root, 'dist', 'main.js')).run(['node', 'mpesa-bridge', '--version'], io);
assert.equal(code, 0);
assert.equal(printed.trim(), manifest.version);
console.log(`mpesa-bridge-cli ${manifest.version}: ${files.length} files, runs from dist/`);
