// A circuit breaker per M-Pesa account: when Daraja fails an account's pushes FAILURES times
// within WINDOW_MS, its pushes fail fast (mpesa_unavailable, Retry-After) for OPEN_MS instead
// of each waiting out a timeout; then one push is let through to try again. Other accounts
// never notice. Failures are Daraja's (unreachable, timeouts, unreadable or 5xx answers,
// throttling, refused credentials), not the customer's (a busy phone) or the request's (a bad
// field). Pure and clock-driven, so it is tested without waiting.
// In-process: each instance opens its own breaker on the failures it sees itself.
export const BREAKER = { failures: 5, windowMs: 60_000, openMs: 30_000 } as const;

export interface Breakers {
  /** Milliseconds until `account` may push again, or 0 when it may push now. */
  retryAfterMs(account: string): number;
  recordFailure(account: string): void;
  recordSuccess(account: string): void;
}

export function createBreakers(
  now: () => number = Date.now,
  limits: { failures: number; windowMs: number; openMs: number } = BREAKER,
): Breakers {
  const state = new Map<string, { failures: number[]; openUntil: number }>();
  const of = (account: string) => {
    let entry = state.get(account);
    if (!entry) state.set(account, (entry = { failures: [], openUntil: 0 }));
    return entry;
  };
  return {
    retryAfterMs(account) {
      const entry = state.get(account);
      return entry ? Math.max(0, entry.openUntil - now()) : 0;
    },
    recordFailure(account) {
      const at = now();
      const entry = of(account);
      entry.failures = entry.failures.filter((time) => time > at - limits.windowMs);
      entry.failures.push(at);
      if (entry.failures.length >= limits.failures) entry.openUntil = at + limits.openMs;
    },
    recordSuccess(account) {
      state.delete(account);
    },
  };
}

/** Whether a push's outcome says Daraja failed the account (rather than the customer or the request). */
export function isDarajaFailure(
  outcome: { kind: 'accepted' } | { kind: 'unknown' } | { kind: 'rejected'; error: { code: string } },
): boolean {
  if (outcome.kind === 'unknown') return true;
  return (
    outcome.kind === 'rejected' &&
    (outcome.error.code === 'mpesa_unavailable' || outcome.error.code === 'mpesa_credentials_rejected')
  );
}
