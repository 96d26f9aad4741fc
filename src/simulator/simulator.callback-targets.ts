// Where the simulator may post a callback. Daraja posts to any CallBackURL; a simulator that
// did so would let anyone holding its public default credentials (simulator mode) or a
// project's own simulator account (SIMULATOR_ENABLED=true in a sandbox deployment) make this
// server POST to any address it can reach, past the webhook URL guard: a request forgery.
// So it posts only to the callback routes of the service it stands in for, or to URLs an
// operator listed (SIMULATOR_CALLBACK_ALLOWLIST).

/** A place callbacks may go: an origin ('loopback': 127.0.0.1, ::1 or localhost, any port) and a path prefix. */
export interface CallbackTarget {
  origin: string | 'loopback';
  pathPrefix: string;
}

export interface CallbackTargets {
  allows(callbackUrl: string): boolean;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** An allowlist entry such as `https://shop.example/mpesa/`: its origin and its path as a prefix. */
export function targetFromUrl(url: string): CallbackTarget {
  const parsed = new URL(url);
  return { origin: parsed.origin, pathPrefix: parsed.pathname };
}

export function callbackTargets(targets: readonly CallbackTarget[]): CallbackTargets {
  return {
    allows(callbackUrl) {
      let url: URL;
      try {
        url = new URL(callbackUrl);
      } catch {
        return false;
      }
      // Only http(s); the parsed path has its dot segments (also %2e) resolved, so a prefix
      // cannot be climbed out of; user:password@ is never ours.
      if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password)
        return false;
      return targets.some(
        (target) =>
          (target.origin === 'loopback'
            ? url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)
            : url.origin === target.origin) && url.pathname.startsWith(target.pathPrefix),
      );
    },
  };
}
