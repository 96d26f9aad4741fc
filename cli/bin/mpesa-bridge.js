#!/usr/bin/env node
// The `mpesa-bridge` command. In a clone of the repository (the TypeScript sources beside this
// file and tsx installed at the root) it runs the sources, so `npx mpesa-bridge` works right
// after `npm install`, needs no build, and never runs a stale one. An installed package has
// only dist/ (see "files" in package.json) and runs that.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const sources = path.join(root, 'src', 'main.ts');

function load() {
  if (fs.existsSync(sources)) {
    let tsx;
    try {
      tsx = require('tsx/cjs/api');
    } catch {
      tsx = undefined;
    }
    if (tsx) {
      // tsx reads the paths that map @mpesa-bridge/sdk to the SDK's sources from here.
      process.env.TSX_TSCONFIG_PATH = path.join(root, 'tsconfig.json');
      tsx.register();
      return require(sources);
    }
  }
  return require(path.join(root, 'dist', 'main.js'));
}

load()
  .run(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
