// An endpoint's health after an attempt (src/webhooks/webhook.health.ts), with explicit times:
// no clock runs and nothing waits.
import { afterFailure, afterSuccess } from '../../src/webhooks/webhook.health';

const DISABLE_AFTER_MS = 5 * 86_400_000;
const now = new Date('2026-11-22T10:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms);

describe('endpoint health', () => {
  it('when a healthy endpoint succeeds, then nothing changes', () => {
    expect(afterSuccess({ failingSince: null })).toEqual({ kind: 'unchanged' });
  });

  it('when a failing endpoint succeeds, then its run of failures is over', () => {
    expect(afterSuccess({ failingSince: ago(3_600_000) })).toEqual({ kind: 'recovered' });
  });

  it('when a healthy endpoint fails, then a run of failures starts now', () => {
    expect(afterFailure({ failingSince: null }, { gone: false }, now, DISABLE_AFTER_MS)).toEqual({
      kind: 'failing',
      since: now,
    });
  });

  it('when a failing endpoint fails again within the grace period, then nothing changes', () => {
    expect(
      afterFailure({ failingSince: ago(DISABLE_AFTER_MS - 1) }, { gone: false }, now, DISABLE_AFTER_MS),
    ).toEqual({ kind: 'unchanged' });
  });

  it('when an endpoint has failed without a success for the whole grace period, then it is disabled as failing', () => {
    expect(
      afterFailure({ failingSince: ago(DISABLE_AFTER_MS) }, { gone: false }, now, DISABLE_AFTER_MS),
    ).toEqual({
      kind: 'disable',
      reason: 'failing',
    });
  });

  it('when the receiver says the endpoint is gone (410), then it is disabled at once, healthy or not', () => {
    expect(afterFailure({ failingSince: null }, { gone: true }, now, DISABLE_AFTER_MS)).toEqual({
      kind: 'disable',
      reason: 'gone',
    });
  });

  it('when the grace period is zero, then the first failure disables the endpoint', () => {
    expect(afterFailure({ failingSince: null }, { gone: false }, now, 0)).toEqual({
      kind: 'disable',
      reason: 'failing',
    });
  });
});
