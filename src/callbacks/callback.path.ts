import type { CallbackTarget } from '../simulator/simulator.callback-targets';

// Where Safaricom posts STK results: <CALLBACK_PATH>/<transactionId>/<token>. A leaf module, so
// the logging and error layers can know the path without importing the route.
//
// Safaricom's docs ask that callback URLs not contain "M-PESA", "mpesa", "Safaricom", "exe",
// "exec", "cmd", "sql" or "query" (docs/daraja.md §2), so the path names none of them. Earlier
// versions sent `/api/v1/callbacks/mpesa/…`: that path is still served, for the callbacks of
// payments started before an upgrade.
export const CALLBACK_PATH = '/api/v1/callbacks/stk';
export const LEGACY_CALLBACK_PATH = '/api/v1/callbacks/mpesa';
export const CALLBACK_PATHS = [CALLBACK_PATH, LEGACY_CALLBACK_PATH] as const;

/** Every route Safaricom posts to (STK results, C2B validations and confirmations) lives under it. */
export const CALLBACKS_PREFIX = '/api/v1/callbacks/';

/**
 * The callback routes under each base URL (CALLBACK_BASE_URL, this server's own address): where
 * the built-in simulator may post (simulator.callback-targets.ts). Any path under
 * CALLBACKS_PREFIX, so a new kind of callback (C2B URLs) needs no change here. 'loopback' stands
 * for this machine on any port (the standalone simulator does not know the service's port).
 */
export function callbackRoutesUnder(baseUrls: readonly (string | 'loopback')[]): CallbackTarget[] {
  return baseUrls.map((base) => {
    const origin = base === 'loopback' ? base : new URL(base).origin;
    const basePath = base === 'loopback' ? '' : new URL(base).pathname.replace(/\/+$/, '');
    return { origin, pathPrefix: `${basePath}${CALLBACKS_PREFIX}` };
  });
}
