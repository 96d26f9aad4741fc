// Sent in the User-Agent; tests/sdk checks it matches sdk/package.json.
export const SDK_VERSION = '0.1.0';
