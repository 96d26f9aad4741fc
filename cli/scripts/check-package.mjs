// After `npm run build`: the package holds what an installer needs and nothing else (bin,
// dist, README; never the sources), and the built command runs from dist/ with the built SDK.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const [packed] = JSON.parse(
  execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' }),
);
const files = packed.files.map((file) => file.path);
for (const needed of ['package.json', 'README.md', 'bin/mpesa-bridge.js', 'dist/main.js'])
  assert.ok(files.includes(needed), `the package has ${needed}`);
assert.ok(
  !files.some((file) => file.startsWith('src/') || (file.endsWith('.ts') && !file.endsWith('.d.ts'))),
  'the package has no TypeScript sources (bin/ would run them)',
);

const manifest = require('../package.json');
assert.equal(manifest.bin['mpesa-bridge'], 'bin/mpesa-bridge.js');
assert.ok(manifest.dependencies['@mpesa-bridge/sdk'], 'depends on the SDK');

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
