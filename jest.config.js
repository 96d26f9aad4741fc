/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  // Type-checking is done once by `tsc --noEmit` in `npm test`; here we only transpile.
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  // Tests (and the demo) use the SDK from its sources, so `npm test` needs no SDK build. Its
  // sources import siblings as `./x.js` (what its ES module build needs); map those to the .ts.
  moduleNameMapper: {
    '^@mpesa-bridge/sdk$': '<rootDir>/sdk/src/index.ts',
    '^@mpesa-bridge/sdk/browser$': '<rootDir>/sdk/src/browser.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testTimeout: 20000,
  // Builds the dashboard's bundle (dashboard/build.ts), which the servers under test serve.
  globalSetup: '<rootDir>/tests/helpers/build-dashboard.ts',
};
