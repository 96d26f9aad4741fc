import { canMove, interpretResultCode, STATUSES } from '../../src/payments/transaction.states';

describe('payment state machine', () => {
  it('when pending, then it may move to any final state', () => {
    for (const to of ['completed', 'failed', 'cancelled', 'expired'] as const)
      expect(canMove('pending', to)).toBe(true);
  });

  it("when expired (our own timeout), then M-Pesa's final word may still move it: a success, a failure or a cancel", () => {
    expect(STATUSES.filter((to) => canMove('expired', to))).toEqual(['completed', 'failed', 'cancelled']);
  });

  it('when failed or cancelled, then only a success may still move it (the money moved)', () => {
    for (const from of ['failed', 'cancelled'] as const)
      expect(STATUSES.filter((to) => canMove(from, to))).toEqual(['completed']);
  });

  it('when completed, then only a refund (reversal) moves it, never back to pending', () => {
    expect(STATUSES.filter((to) => canMove('completed', to))).toEqual(['reversed']);
  });

  it('when reversed, then nothing moves it', () => {
    expect(STATUSES.filter((to) => canMove('reversed', to))).toEqual([]);
  });

  it('when any status, then nothing moves it back to pending', () => {
    for (const from of STATUSES) expect(canMove(from, 'pending')).toBe(false);
  });

  it.each([
    ['0', 'completed', 'paid'],
    ['1032', 'cancelled', 'cancelled_by_customer'],
    ['1', 'failed', 'insufficient_funds'],
    ['1037', 'failed', 'customer_unreachable'],
    ['2001', 'failed', 'wrong_pin'],
    ['1019', 'expired', 'prompt_expired'],
    ['SFC_IC0003', 'failed', 'shortcode_not_permitted'],
    ['77777', 'failed', 'declined'],
  ])('when Daraja answers %s, then the payment is %s (%s)', (code, status, reason) => {
    expect(interpretResultCode(code)).toMatchObject({ status, code: reason });
  });
});
