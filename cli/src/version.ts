// The CLI's version, from its package.json (one folder up from src/ and from dist/ alike).
import fs from 'node:fs';
import path from 'node:path';

export const CLI_VERSION = (
  JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }
).version;
export const CLI_USER_AGENT = `mpesa-bridge-cli/${CLI_VERSION} node/${process.versions.node}`;
