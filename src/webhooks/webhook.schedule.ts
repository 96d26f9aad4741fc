// What happens after an attempt: done, retry when, or give up. Pure, so the schedule is
// tested without waiting hours.

export interface AttemptResult {
  statusCode: number | null;
  /** Milliseconds the receiver asked us to wait (Retry-After), if it did. */
  retryAfterMs: number | null;
}

export type NextStep =
  { kind: 'succeeded' } | { kind: 'retry'; at: Date } | { kind: 'failed'; gone: boolean };

/** Jitter of ±20%, so endpoints that failed together do not retry in lockstep. */
const JITTER = 0.2;
/** A Retry-After longer than this is capped: the schedule still has to end. */
const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

export function nextStep(
  attempts: number,
  result: AttemptResult,
  scheduleMs: readonly number[],
  now: Date,
  random: () => number = Math.random,
): NextStep {
  const status = result.statusCode;
  if (status !== null && status >= 200 && status < 300) return { kind: 'succeeded' };
  // 410 Gone: the receiver says this endpoint no longer exists; retrying is pointless.
  if (status === 410) return { kind: 'failed', gone: true };
  const delay = scheduleMs[attempts - 1];
  if (delay === undefined) return { kind: 'failed', gone: false };
  const jittered = delay * (1 - JITTER + 2 * JITTER * random());
  const wait = Math.max(jittered, Math.min(result.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS));
  return { kind: 'retry', at: new Date(now.getTime() + Math.round(wait)) };
}

/** Retry-After as seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(header: string | undefined, now: Date): number | null {
  if (!header) return null;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - now.getTime());
}
