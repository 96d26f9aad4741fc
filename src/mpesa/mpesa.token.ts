// The OAuth token cache. Tokens live 3600 s; we refresh a minute early. Concurrent callers
// share one in-flight fetch: a burst of 500 initiates makes one OAuth call, not 500 (and the
// Daraja FAQ says each new token may invalidate the previous one).
export const TOKEN_SKEW_MS = 60_000;

export interface IssuedToken {
  accessToken: string;
  expiresInSeconds: number;
}

export interface TokenCache {
  get(): Promise<string>;
  /**
   * A new token now, past the cache, kept as the cached one (an operator's account check): the
   * token pushes use is the newest, whatever Daraja does to older ones (docs/daraja.md §1).
   * Joins a fetch already in flight.
   */
  renew(): Promise<string>;
  /** Drops the cached token if it is still `token` (a newer one fetched meanwhile is kept). */
  invalidate(token: string): void;
}

export function createTokenCache(
  fetchToken: () => Promise<IssuedToken>,
  now: () => number = Date.now,
): TokenCache {
  let cached: { token: string; refreshAt: number } | undefined;
  let inFlight: Promise<string> | undefined;

  const refresh = async (): Promise<string> => {
    const issued = await fetchToken();
    cached = {
      token: issued.accessToken,
      refreshAt: now() + Math.max(0, issued.expiresInSeconds * 1000 - TOKEN_SKEW_MS),
    };
    return issued.accessToken;
  };

  return {
    get() {
      if (cached && now() < cached.refreshAt) return Promise.resolve(cached.token);
      inFlight ??= refresh().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
    renew() {
      inFlight ??= refresh().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
    invalidate(token) {
      if (cached?.token === token) cached = undefined;
    },
  };
}
