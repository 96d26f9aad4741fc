// What happens after an attempt: done, retry when (and why), or give up. Pure, with the time
// and the randomness passed in, so the schedule is tested without waiting hours. The rules
// are Svix's (svix-webhooks, server/svix-server/src/worker.rs, and its retry docs):
// - the planned delay is the schedule's entry for this attempt;
// - a receiver that timed out or answered 429 is overloaded: the delay is at least the overload
//   penalty (60 s by default), so a struggling receiver is not hit again five seconds later;
// - ±20% jitter, so endpoints that failed together do not retry in lockstep;
// - a Retry-After is honoured between that delay and twice it: it may slow us down, but not
//   hold a delivery longer than twice what the schedule allows (the schedule has to end).

export interface AttemptResult {
  statusCode: number | null;
  /** Milliseconds the receiver asked us to wait (Retry-After), if it did. */
  retryAfterMs: number | null;
  /** The network error when no answer came (ETIMEDOUT: no complete answer in time). */
  error?: string | null;
}

/** Why a retry waits as long as it does: the schedule, the overload penalty, or the receiver's Retry-After. */
export type RetryReason = 'schedule' | 'overloaded' | 'retry_after';

export type NextStep =
  | { kind: 'succeeded' }
  | { kind: 'retry'; at: Date; reason: RetryReason }
  | { kind: 'failed'; gone: boolean };

export interface RetryRules {
  scheduleMs: readonly number[];
  /** The least wait after a timeout or a 429 (Svix: 60 s). */
  overloadPenaltyMs: number;
}

/** Jitter of ±20%, as Svix's JITTER_DELTA. */
const JITTER = 0.2;
const TOO_MANY_REQUESTS = 429;
/** Our own deadline (webhook.http.ts) and the kernel's connect timeout both report this. */
const TIMEOUT_ERROR = 'ETIMEDOUT';

export function nextStep(
  attempts: number,
  result: AttemptResult,
  rules: RetryRules,
  now: Date,
  random: () => number = Math.random,
): NextStep {
  const status = result.statusCode;
  if (status !== null && status >= 200 && status < 300) return { kind: 'succeeded' };
  // 410 Gone: the receiver says this endpoint no longer exists; retrying is pointless.
  if (status === 410) return { kind: 'failed', gone: true };
  const planned = rules.scheduleMs[attempts - 1];
  if (planned === undefined) return { kind: 'failed', gone: false };
  const { waitMs, reason } = retryDelay(planned, result, rules.overloadPenaltyMs, random);
  return { kind: 'retry', at: new Date(now.getTime() + Math.round(waitMs)), reason };
}

/** A timeout or a 429: the receiver cannot keep up. */
export function isOverloaded(result: AttemptResult): boolean {
  return (
    result.statusCode === TOO_MANY_REQUESTS || (result.statusCode === null && result.error === TIMEOUT_ERROR)
  );
}

/** The wait before the next attempt, and its reason. */
export function retryDelay(
  plannedMs: number,
  result: AttemptResult,
  overloadPenaltyMs: number,
  random: () => number,
): { waitMs: number; reason: RetryReason } {
  const overloaded = isOverloaded(result) && overloadPenaltyMs > plannedMs;
  const delay = overloaded ? overloadPenaltyMs : plannedMs;
  const jittered = delay * (1 - JITTER + 2 * JITTER * random());
  if (result.retryAfterMs === null)
    return { waitMs: jittered, reason: overloaded ? 'overloaded' : 'schedule' };
  const waitMs = clamp(result.retryAfterMs, jittered, 2 * jittered);
  return {
    waitMs,
    reason: waitMs > jittered ? 'retry_after' : overloaded ? 'overloaded' : 'schedule',
  };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}

/** Retry-After as seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(header: string | undefined, now: Date): number | null {
  if (!header) return null;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - now.getTime());
}
