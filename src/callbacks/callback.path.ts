import type { CallbackTarget } from '../simulator/simulator.callback-targets';
import { C2B_CALLBACK_PATH } from '../core/c2b-path';

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

/**
 * The callback routes (STK and C2B) under each base URL (CALLBACK_BASE_URL, this server's own address): where
 * the built-in simulator may post (simulator.callback-targets.ts). 'loopback' stands for this
 * machine on any port (the standalone simulator does not know the service's port).
 */
export function callbackRoutesUnder(baseUrls: readonly (string | 'loopback')[]): CallbackTarget[] {
  return baseUrls.flatMap((base) => {
    const origin = base === 'loopback' ? base : new URL(base).origin;
    const basePath = base === 'loopback' ? '' : new URL(base).pathname.replace(/\/+$/, '');
    // C2B confirmations and validations too: the simulator posts them to the URLs an account registered.
    return [...CALLBACK_PATHS, C2B_CALLBACK_PATH].map((path) => ({
      origin,
      pathPrefix: `${basePath}${path}/`,
    }));
  });
}
