import { nextStep, parseRetryAfter } from '../../src/webhooks/webhook.schedule';
import { loadConfig } from '../../src/config';

const SCHEDULE = [5_000, 300_000, 1_800_000];
const RULES = { scheduleMs: SCHEDULE, overloadPenaltyMs: 60_000 };
const now = new Date('2026-11-22T10:00:00Z');
const failed = { statusCode: 503, retryAfterMs: null };
const middle = () => 0.5;

/** How long after `now` the retry is, and why. */
function retry(attempts: number, result: Parameters<typeof nextStep>[1], random: () => number = middle) {
  const step = nextStep(attempts, result, RULES, now, random);
  if (step.kind !== 'retry') throw new Error(`expected a retry, got ${step.kind}`);
  return { waitMs: step.at.getTime() - now.getTime(), reason: step.reason };
}

describe('webhook retry schedule', () => {
  it('when an attempt gets a 2xx, then the delivery has succeeded', () => {
    expect(nextStep(1, { statusCode: 200, retryAfterMs: null }, RULES, now)).toEqual({
      kind: 'succeeded',
    });
    expect(nextStep(3, { statusCode: 204, retryAfterMs: null }, RULES, now)).toEqual({
      kind: 'succeeded',
    });
  });

  it('when attempt n fails, then the next one is schedule[n-1] later, within ±20% jitter', () => {
    const at = (random: number, attempts = 2) => retry(attempts, failed, () => random).waitMs;
    expect(at(0)).toBe(240_000);
    expect(at(0.5)).toBe(300_000);
    expect(at(0.999999)).toBeCloseTo(360_000, -1);
    expect(at(0.5, 1)).toBe(5_000);
    expect(retry(2, failed).reason).toBe('schedule');
  });

  it('when the connection failed without an answer (not a timeout), then it is retried on the schedule', () => {
    expect(retry(1, { statusCode: null, retryAfterMs: null, error: 'ECONNREFUSED' })).toEqual({
      waitMs: 5_000,
      reason: 'schedule',
    });
  });

  it('when the receiver timed out or answered 429, then the next attempt waits at least the overload penalty', () => {
    expect(retry(1, { statusCode: null, retryAfterMs: null, error: 'ETIMEDOUT' })).toEqual({
      waitMs: 60_000,
      reason: 'overloaded',
    });
    expect(retry(1, { statusCode: 429, retryAfterMs: null })).toEqual({
      waitMs: 60_000,
      reason: 'overloaded',
    });
    // Jitter still applies to the penalty, so overloaded endpoints do not all return together.
    expect(retry(1, { statusCode: 429, retryAfterMs: null }, () => 0).waitMs).toBe(48_000);
    // A planned delay longer than the penalty is kept as it is.
    expect(retry(2, { statusCode: 429, retryAfterMs: null })).toEqual({
      waitMs: 300_000,
      reason: 'schedule',
    });
  });

  it('when the last scheduled attempt fails, then the delivery has failed for good', () => {
    expect(nextStep(SCHEDULE.length + 1, failed, RULES, now)).toEqual({ kind: 'failed', gone: false });
    expect(nextStep(SCHEDULE.length + 1, { statusCode: 429, retryAfterMs: null }, RULES, now)).toEqual({
      kind: 'failed',
      gone: false,
    });
  });

  it('when the receiver answers 410, then it fails at once and says the endpoint is gone', () => {
    expect(nextStep(1, { statusCode: 410, retryAfterMs: null }, RULES, now)).toEqual({
      kind: 'failed',
      gone: true,
    });
  });

  it('when Retry-After is given, then it is honoured between the delay and twice the delay', () => {
    const wait = (retryAfterMs: number, attempts = 2) => retry(attempts, { statusCode: 503, retryAfterMs });
    expect(wait(400_000)).toEqual({ waitMs: 400_000, reason: 'retry_after' });
    // Shorter than the schedule: the schedule wins.
    expect(wait(1_000)).toEqual({ waitMs: 300_000, reason: 'schedule' });
    // Longer than twice the delay: capped at twice the delay (it was a day before the Svix rules).
    expect(wait(10 * 86_400_000)).toEqual({ waitMs: 600_000, reason: 'retry_after' });
  });

  it('when a 429 carries Retry-After, then it is clamped around the overload penalty, not the planned delay', () => {
    const wait = (retryAfterMs: number) => retry(1, { statusCode: 429, retryAfterMs });
    expect(wait(1_000)).toEqual({ waitMs: 60_000, reason: 'overloaded' });
    expect(wait(90_000)).toEqual({ waitMs: 90_000, reason: 'retry_after' });
    expect(wait(3_600_000)).toEqual({ waitMs: 120_000, reason: 'retry_after' });
  });

  it('when Retry-After is seconds or an HTTP date, then it is read as a wait, and anything else as none', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Sun, 22 Nov 2026 10:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });

  it('when no schedule is configured, then the Standard Webhooks one spans more than a day; one in plain units is accepted', () => {
    const defaults = loadConfig({});
    expect(defaults.webhooks.retryScheduleMs).toEqual([
      5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
    ]);
    expect(defaults.webhooks.retryScheduleMs.reduce((sum, ms) => sum + ms, 0)).toBeGreaterThan(86_400_000);
    expect(loadConfig({ WEBHOOK_RETRY_SCHEDULE: '250ms, 2s,1m' }).webhooks.retryScheduleMs).toEqual([
      250, 2000, 60_000,
    ]);
    expect(() => loadConfig({ WEBHOOK_RETRY_SCHEDULE: '5 minutes' })).toThrow(/WEBHOOK_RETRY_SCHEDULE/);
    expect(() => loadConfig({ RECONCILE_AFTER: '10m', RECONCILE_EXPIRE_AFTER: '5m' })).toThrow(
      /RECONCILE_EXPIRE_AFTER/,
    );
  });

  it('when nothing is configured, then Daraja is asked about a pending payment after 90 s, or 15 s against the simulator', () => {
    const live = {
      MPESA_ENVIRONMENT: 'sandbox',
      MASTER_KEY: 'a'.repeat(64),
      ADMIN_TOKEN: 'x'.repeat(24),
      MPESA_CONSUMER_KEY: 'k',
      MPESA_CONSUMER_SECRET: 's',
      MPESA_SHORTCODE: '174379',
      MPESA_PASSKEY: 'p',
      CALLBACK_BASE_URL: 'https://pay.example.com',
    };
    expect(loadConfig(live).reconciliation.afterMs).toBe(90_000);
    expect(loadConfig({}).reconciliation.afterMs).toBe(15_000);
    expect(loadConfig({ RECONCILE_AFTER: '2m' }).reconciliation.afterMs).toBe(120_000);
  });
});
