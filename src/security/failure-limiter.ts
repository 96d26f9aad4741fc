// Brute force: failed signature checks, wrong admin tokens and refused Socket.io subscriptions
// are counted per source address (and per public key, and per socket); past the allowance in
// AUTH_FAILURE_WINDOW further attempts get 429 with Retry-After until the window ends. Only
// failures count: correct traffic never uses up anything here (the per-project request rate
// is express-rate-limit's, src/http/rate-limits.ts). Signatures are counted so that nobody's
// failures refuse someone else's correct calls: per (address, public key) and per public key
// for a known key, per address only for keys no project has (signatureFailures below).
import ipaddr from 'ipaddr.js';
import type { RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from '../config';
import { AppError } from '../errors';
import type { Limiter, LimiterStore } from './limiter-store';

export interface FailureLimiter {
  /** Seconds until `key` may try again; 0 when it is not blocked. */
  blockedFor(key: string): Promise<number>;
  /** Counts one failure of `key`; answers the seconds it is now blocked for (0: not yet). */
  fail(key: string): Promise<number>;
  /** The failures of `key` in the current window. */
  count(key: string): Promise<number>;
}

function failureLimiter(limiter: Limiter, allowed: number): FailureLimiter {
  const secondsLeft = (res: RateLimiterRes | null) =>
    res && res.consumedPoints >= allowed ? Math.max(1, Math.ceil(res.msBeforeNext / 1000)) : 0;
  return {
    blockedFor: async (key) => secondsLeft(await limiter.get(key)),
    fail: async (key) => secondsLeft(await limiter.penalty(key, 1)),
    count: async (key) => (await limiter.get(key))?.consumedPoints ?? 0,
  };
}

export type FailureLimits = ReturnType<typeof createFailureLimits>;

export function createFailureLimits(store: LimiterStore, config: Config['failureLimits']) {
  const limiter = (keyPrefix: string, allowed: number) =>
    failureLimiter(
      store({ keyPrefix, points: allowed, durationSeconds: Math.ceil(config.windowMs / 1000) }),
      allowed,
    );
  return {
    /** Keys no project has, per address (a known key is counted by the pair below). */
    signatureUnknownBySource: limiter('signature-unknown-source', config.signaturePerSource),
    signatureBySourceKey: limiter('signature-source-key', config.signaturePerSource),
    signatureByKey: limiter('signature-key', config.signaturePerKey),
    adminBySource: limiter('admin-source', config.adminPerSource),
    subscribeBySocket: limiter('subscribe-socket', config.subscribePerSocket),
    subscribeBySource: limiter('subscribe-source', config.subscribePerSource),
    signInBySource: limiter('sign-in-source', config.signInPerSource),
    signInBySourceEmail: limiter('sign-in-source-email', config.signInPerSourceEmail),
    signInByEmail: limiter('sign-in-email', config.signInPerEmail),
  };
}

/**
 * Failed signatures, as the signed API and the project stream count them. Each answers the
 * seconds the caller is blocked for (0: answer the failure itself), and only a failing request
 * is ever refused: a correct signature gets in whatever others sent, so made-up keys or bad
 * signatures from an address (a shared NAT, a proxy) never lock a merchant out there, and
 * someone else's bad signatures with a merchant's (not secret) public key do not either.
 */
export function signatureFailures(
  limits: Pick<FailureLimits, 'signatureUnknownBySource' | 'signatureBySourceKey' | 'signatureByKey'>,
) {
  const pair = (source: string, publicKey: string) => `${source}|${publicKey}`;
  const countFailure = async (counted: Array<[FailureLimiter, string]>) => {
    const blocked = Math.max(...(await Promise.all(counted.map(([limit, key]) => limit.blockedFor(key)))));
    await Promise.all(counted.map(([limit, key]) => limit.fail(key)));
    return blocked;
  };
  return {
    unknownKey: (source: string) => countFailure([[limits.signatureUnknownBySource, source]]),
    badSignature: (source: string, publicKey: string) =>
      countFailure([
        [limits.signatureBySourceKey, pair(source, publicKey)],
        [limits.signatureByKey, publicKey],
      ]),
    /** A replay is refused anyway; counted so that its address and key show up as failing. */
    replayed: (source: string, publicKey: string) =>
      limits.signatureBySourceKey.fail(pair(source, publicKey)),
  };
}

/**
 * The key for a source address: IPv4 as it is (IPv4-mapped IPv6 included), IPv6 by its /64,
 * since one client is routinely handed a whole /64 and could otherwise rotate addresses freely.
 */
export function sourceKey(address: string | undefined): string {
  if (!address) return 'unknown';
  try {
    const parsed = ipaddr.process(address);
    if (parsed.kind() === 'ipv4') return parsed.toString();
    return `${(parsed as ipaddr.IPv6).parts
      .slice(0, 4)
      .map((part) => part.toString(16))
      .join(':')}::/64`;
  } catch {
    return address;
  }
}

export function tooManyFailures(retryAfterSeconds: number, what: string): AppError {
  return new AppError(
    'rate_limited',
    `Too many ${what}; try again in ${retryAfterSeconds} s`,
    { retryAfterSeconds },
    { 'Retry-After': String(retryAfterSeconds) },
  );
}
