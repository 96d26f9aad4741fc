// dist/esm holds ES modules while the package itself is CommonJS (no "type" field), so Node
// and bundlers need this marker to read the .js files under it as ESM.
const fs = require('node:fs');
const path = require('node:path');
fs.writeFileSync(path.join(__dirname, '..', 'dist', 'esm', 'package.json'), '{ "type": "module" }\n');
