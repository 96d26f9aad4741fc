// OAuth access tokens the simulator has issued. Daraja's FAQ says each new token invalidates
// the previous one, but nothing observed confirms it (docs/daraja.md §11), so tokens here live
// side by side until they expire: a client with one shared token cache works either way.
import { newAccessToken } from './simulator.ids';

export const TOKEN_LIFETIME_SECONDS = 3599;

interface IssuedToken {
  expiresAt: number;
  /** The consumer key it was issued to: Daraja knows a shortcode through the app calling. */
  consumerKey: string;
  sequence: number; // issue order, to tell the tokens fetched after a revocation
}

export interface TokenStore {
  issue(consumerKey: string): { accessToken: string; expiresInSeconds: number };
  isValid(token: string): boolean;
  /** The consumer key of a valid token. */
  appOf(token: string): string | undefined;
  /**
   * The "token expires mid-flight" outcome. Returns true when the token must be treated as
   * expired now (it is revoked), false when the caller already fetched a new token after
   * such an expiry, so its retry goes through. Each flight therefore sees exactly one 404,
   * whether the client reuses a cached token or fetches a fresh one.
   */
  expireMidFlight(token: string): boolean;
}

export function createTokenStore(now: () => number = Date.now): TokenStore {
  const tokens = new Map<string, IssuedToken>();
  let issued = 0;
  let retryAllowedAfter: number | undefined;

  function pruneExpired(at: number): void {
    for (const [token, record] of tokens) if (record.expiresAt <= at) tokens.delete(token);
  }

  return {
    issue(consumerKey) {
      const at = now();
      pruneExpired(at);
      issued += 1;
      const accessToken = newAccessToken();
      tokens.set(accessToken, {
        expiresAt: at + TOKEN_LIFETIME_SECONDS * 1000,
        consumerKey,
        sequence: issued,
      });
      return { accessToken, expiresInSeconds: TOKEN_LIFETIME_SECONDS };
    },
    isValid(token) {
      const record = tokens.get(token);
      return record !== undefined && record.expiresAt > now();
    },
    appOf(token) {
      const record = tokens.get(token);
      return record !== undefined && record.expiresAt > now() ? record.consumerKey : undefined;
    },
    expireMidFlight(token) {
      const record = tokens.get(token);
      if (record && retryAllowedAfter !== undefined && record.sequence > retryAllowedAfter) {
        retryAllowedAfter = undefined;
        return false;
      }
      tokens.delete(token);
      retryAllowedAfter = issued;
      return true;
    },
  };
}
