// The per-account circuit breaker, on a clock the test moves: five failures within a minute
// open it for 30 s; then one push may try; a success closes it; other accounts never notice.
import { createBreakers } from '../../src/mpesa/mpesa.breaker';

describe('the circuit breaker of an M-Pesa account', () => {
  let now = 0;
  const breakers = () => createBreakers(() => now);
  beforeEach(() => {
    now = 1_000_000;
  });

  it('when four failures come within a minute, then it stays closed; the fifth opens it for 30 s', () => {
    const b = breakers();
    for (let i = 0; i < 4; i += 1) b.recordFailure('acc_x');
    expect(b.retryAfterMs('acc_x')).toBe(0);
    b.recordFailure('acc_x');
    expect(b.retryAfterMs('acc_x')).toBe(30_000);
    now += 10_000;
    expect(b.retryAfterMs('acc_x')).toBe(20_000);
    expect(b.retryAfterMs('acc_y')).toBe(0);
  });

  it('when the failures are spread over more than a minute, then it never opens', () => {
    const b = breakers();
    for (let i = 0; i < 10; i += 1) {
      b.recordFailure('acc_x');
      now += 16_000;
    }
    expect(b.retryAfterMs('acc_x')).toBe(0);
  });

  it('when the 30 s are over, then one push may try: a failure opens it again at once, a success closes it', () => {
    const b = breakers();
    for (let i = 0; i < 5; i += 1) b.recordFailure('acc_x');
    now += 30_000;
    expect(b.retryAfterMs('acc_x')).toBe(0);
    b.recordFailure('acc_x');
    expect(b.retryAfterMs('acc_x')).toBe(30_000);
    now += 30_000;
    b.recordSuccess('acc_x');
    b.recordFailure('acc_x');
    expect(b.retryAfterMs('acc_x')).toBe(0);
  });
});
