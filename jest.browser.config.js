// `npm run test:browser`: the checkout demo, /docs and the dashboard in headless Chromium. Kept out of `npm test` so the
// everyday suite needs no browser; CI runs it (see .ci/run).
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/tests/browser'],
  testMatch: ['**/*.browser.ts'],
  testTimeout: 60000,
};
