import { nextStep, parseRetryAfter } from '../../src/webhooks/webhook.schedule';
import { loadConfig } from '../../src/config';

const SCHEDULE = [5_000, 300_000, 1_800_000];
const now = new Date('2026-11-22T10:00:00Z');
const failed = { statusCode: 503, retryAfterMs: null };

describe('webhook retry schedule', () => {
  it('when an attempt gets a 2xx, then the delivery has succeeded', () => {
    expect(nextStep(1, { statusCode: 200, retryAfterMs: null }, SCHEDULE, now)).toEqual({
      kind: 'succeeded',
    });
    expect(nextStep(3, { statusCode: 204, retryAfterMs: null }, SCHEDULE, now)).toEqual({
      kind: 'succeeded',
    });
  });

  it('when attempt n fails, then the next one is schedule[n-1] later, within ±20% jitter', () => {
    const at = (random: number, attempts = 2) =>
      (nextStep(attempts, failed, SCHEDULE, now, () => random) as { at: Date }).at.getTime() - now.getTime();
    expect(at(0)).toBe(240_000);
    expect(at(0.5)).toBe(300_000);
    expect(at(0.999999)).toBeCloseTo(360_000, -1);
    expect(at(0.5, 1)).toBe(5_000);
  });

  it('when no answer came at all (network error), then it is retried like any failure', () => {
    expect(nextStep(1, { statusCode: null, retryAfterMs: null }, SCHEDULE, now, () => 0.5)).toEqual({
      kind: 'retry',
      at: new Date(now.getTime() + 5_000),
    });
  });

  it('when the last scheduled attempt fails, then the delivery has failed for good', () => {
    expect(nextStep(SCHEDULE.length + 1, failed, SCHEDULE, now)).toEqual({ kind: 'failed', gone: false });
  });

  it('when the receiver answers 410, then it fails at once and says the endpoint is gone', () => {
    expect(nextStep(1, { statusCode: 410, retryAfterMs: null }, SCHEDULE, now)).toEqual({
      kind: 'failed',
      gone: true,
    });
  });

  it('when Retry-After asks for longer than the schedule, then it wins, capped at a day', () => {
    const wait = (retryAfterMs: number) =>
      (
        nextStep(1, { statusCode: 429, retryAfterMs }, SCHEDULE, now, () => 0.5) as { at: Date }
      ).at.getTime() - now.getTime();
    expect(wait(60_000)).toBe(60_000);
    expect(wait(1_000)).toBe(5_000);
    expect(wait(10 * 86_400_000)).toBe(86_400_000);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Sun, 22 Nov 2026 10:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });

  it('defaults to the Standard Webhooks schedule, which spans more than a day, and accepts one in plain units', () => {
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

  it('asks Daraja about a pending payment after 90 s, or 15 s against the simulator, unless told otherwise', () => {
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
