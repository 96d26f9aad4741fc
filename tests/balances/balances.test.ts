// Balances (issue 20 item 6): Daraja's `&`/`|` AccountBalance string parsed into named accounts
// with exact cents (malformed strings refused whole), and end to end over real HTTP: the signed
// ask, the simulator's Account Balance Result on the tokenised ResultURL, the stored check, and
// the warning when the Utility account holds less than the payouts waiting to go. SQLite by
// default; PostgreSQL with TEST_DATABASE_URL.
import { centsOfAmount, parseAccountBalance } from '../../src/mpesa/mpesa.account-balance';
import { startTestServer, type TestServer } from '../helpers/server';
import { eventually } from '../helpers/realtime';
import {
  INITIATOR_PASSWORD,
  payoutBody,
  payoutProject,
  setPayoutSettings,
  setSimulatorBalance,
} from '../helpers/payouts';

describe('parseAccountBalance', () => {
  it("when Daraja's sample string is read, then each account is named with exact cents", () => {
    const parsed = parseAccountBalance(
      'Working Account|KES|346568.83|6186.83|340382.00|0.00&Float Account|KES|0.00|0.00|0.00|0.00&' +
        'Utility Account|KES|49217.05|49217.05|0.00|0.00&Charges Paid Account|KES|-220.00|-220.00|0.00|0.00',
    );
    expect(parsed).toEqual({
      ok: true,
      accounts: [
        {
          name: 'Working Account',
          currency: 'KES',
          currentCents: 34656883,
          availableCents: 618683,
          reservedCents: 34038200,
          unclearedCents: 0,
        },
        {
          name: 'Float Account',
          currency: 'KES',
          currentCents: 0,
          availableCents: 0,
          reservedCents: 0,
          unclearedCents: 0,
        },
        {
          name: 'Utility Account',
          currency: 'KES',
          currentCents: 4921705,
          availableCents: 4921705,
          reservedCents: 0,
          unclearedCents: 0,
        },
        {
          name: 'Charges Paid Account',
          currency: 'KES',
          currentCents: -22000,
          availableCents: -22000,
          reservedCents: 0,
          unclearedCents: 0,
        },
      ],
    });
  });

  it('when amounts would lose cents through a float, then they are still exact', () => {
    // 0.29 * 100 is 28.999999999999996 in floating point.
    expect(centsOfAmount('0.29')).toBe(29);
    expect(centsOfAmount('1234567890.07')).toBe(123456789007);
    expect(centsOfAmount('5.5')).toBe(550);
    expect(centsOfAmount('-0.00')).toBe(0);
  });

  it.each([
    ['not text', 42, /not text/],
    ['empty', '', /missing/],
    ['a missing field', 'Working Account|KES|1.00|1.00|0.00', /5 fields, not 6/],
    ['an extra field', 'Working Account|KES|1.00|1.00|0.00|0.00|9', /7 fields/],
    ['a float with three decimals', 'Working Account|KES|1.005|1.00|0.00|0.00', /"1.005" is not an amount/],
    ['an exponent', 'Utility Account|KES|1e5|1.00|0.00|0.00', /is not an amount/],
    ['no currency code', 'Utility Account|Shillings|1.00|1.00|0.00|0.00', /currency/],
    ['an empty account between &', 'Working Account|KES|1.00|1.00|0.00|0.00&&', /account 2 has 1 fields/],
    ['no name', '|KES|1.00|1.00|0.00|0.00', /no name/],
  ])('when the string has %s, then it is refused whole, naming the part', (_label, value, problem) => {
    const parsed = parseAccountBalance(value);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problem).toMatch(problem);
  });
});

describe('POST and GET /api/v1/balances', () => {
  let server: TestServer;
  const logLines: string[] = [];
  beforeAll(async () => {
    server = await startTestServer({}, { logLines });
  });
  afterAll(() => server.close());

  it("when the balance is asked, then the check settles with the simulator's accounts in exact cents, and a warning names a Utility account below the payouts waiting to go", async () => {
    const shop = await payoutProject(server, { approval: 'all' });
    await setSimulatorBalance(server.url, shop.shortcode, 1200.35);
    const asked = await shop.merchant({ method: 'POST', path: '/api/v1/balances', body: {} });
    expect(asked.status).toBe(202);
    expect(asked.data.balanceCheck).toMatchObject({ status: 'pending', shortcode: shop.shortcode });
    const done = await eventually(
      () => shop.merchant({ method: 'GET', path: `/api/v1/balances/${asked.data.balanceCheck.id}` }),
      (read) => read.data.balanceCheck?.status !== 'pending',
      10_000,
    );
    expect(done.data.balanceCheck.status).toBe('succeeded');
    expect(done.data.balanceCheck.accounts).toContainEqual({
      name: 'Utility Account',
      currency: 'KES',
      currentCents: 120035,
      availableCents: 120035,
      reservedCents: 0,
      unclearedCents: 0,
    });
    expect(done.data.balanceCheck.raw).toContain('Utility Account|KES|1200.35|1200.35|0.00|0.00');

    const calm = await shop.merchant({ method: 'GET', path: '/api/v1/balances' });
    expect(calm.data).toMatchObject({ waitingPayouts: { count: 0, amount: 0 }, warnings: [] });
    // A payout waiting for approval that the Utility account could not pay.
    const waiting = await shop.merchant({
      method: 'POST',
      path: '/api/v1/payouts',
      body: payoutBody({ amount: 1500 }),
    });
    expect(waiting.data.payout.status).toBe('awaiting_approval');
    const warned = await shop.merchant({ method: 'GET', path: '/api/v1/balances' });
    expect(warned.data.waitingPayouts).toEqual({ count: 1, amount: 1500 });
    expect(warned.data.warnings).toEqual([
      expect.objectContaining({ code: 'utility_below_waiting_payouts', shortcode: shop.shortcode }),
    ]);
    expect(logLines.join('\n')).not.toContain(INITIATOR_PASSWORD);
  });
});
