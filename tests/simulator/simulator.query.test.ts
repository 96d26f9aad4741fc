import {
  darajaPassword,
  HEX_GROUP_ID,
  nairobiTimestamp,
  SHORTCODE,
  sleep,
  startHarness,
  stkPushBody,
  type Harness,
} from './simulator.harness';

// Long enough that a query sent right after the push is surely "before", short enough for a test.
const SETTLE_MS = 300;
const ACCEPTED = 'The service request has been accepted successsfully';

describe('simulator STK Push Query (POST /mpesa/stkpushquery/v1/query)', () => {
  let harness: Harness;
  let token: string;
  beforeAll(async () => {
    harness = await startHarness({ callbackDelayMs: SETTLE_MS });
    token = await harness.fetchToken();
  });
  afterAll(async () => {
    await harness.close();
  });

  async function pushFor(phoneNumber: number) {
    const answer = await harness.push(stkPushBody(harness.callbackUrl, { PhoneNumber: phoneNumber }), token);
    expect(answer.status).toBe(200);
    return {
      merchantRequestId: String(answer.json.MerchantRequestID),
      checkoutRequestId: String(answer.json.CheckoutRequestID),
    };
  }

  describe('when the payment is still in flight', () => {
    it('then it answers 200 with ResultCode "4999" "The transaction is still under processing"', async () => {
      const ids = await pushFor(254712345678);

      const answer = await harness.query(ids.checkoutRequestId, token);

      expect(answer.status).toBe(200);
      expect(answer.json).toEqual({
        ResponseCode: '0',
        ResponseDescription: ACCEPTED,
        MerchantRequestID: ids.merchantRequestId,
        CheckoutRequestID: ids.checkoutRequestId,
        ResultCode: '4999',
        ResultDesc: 'The transaction is still under processing',
      });
    });
  });

  describe('when the payment has settled', () => {
    it.each([
      [254712345678, '0', 'The service request is processed successfully.'],
      [254700000001, '1032', 'Request Cancelled by user.'],
      [254700000002, '1', 'The balance is insufficient for the transaction.'],
      [254700000003, '1037', 'DS timeout user cannot be reached'],
      [254700000004, '2001', 'The initiator information is invalid.'],
    ])(
      'then, for %s, it answers the final ResultCode "%s" as a string with the query\'s own text',
      async (phone, resultCode, resultDesc) => {
        const ids = await pushFor(phone);
        await sleep(SETTLE_MS + 50);

        const answer = await harness.query(ids.checkoutRequestId, token);

        expect(answer.status).toBe(200);
        expect(answer.json).toEqual({
          ResponseCode: '0',
          ResponseDescription: ACCEPTED,
          MerchantRequestID: ids.merchantRequestId,
          CheckoutRequestID: ids.checkoutRequestId,
          ResultCode: resultCode,
          ResultDesc: resultDesc,
        });
      },
    );

    it('then the answer is the same on every later poll', async () => {
      const ids = await pushFor(254700000001);
      await sleep(SETTLE_MS + 50);

      const first = await harness.query(ids.checkoutRequestId, token);
      const second = await harness.query(ids.checkoutRequestId, token);

      expect(second.json).toEqual(first.json);
    });
  });

  describe('when the CheckoutRequestID is unknown', () => {
    it('then it answers 500 500.001.1001 "The transaction does not Exist"', async () => {
      const answer = await harness.query('ws_CO_01012026120000123712345678', token);

      expect(answer.status).toBe(500);
      expect(answer.json).toEqual({
        requestId: expect.stringMatching(HEX_GROUP_ID),
        errorCode: '500.001.1001',
        errorMessage: 'The transaction does not Exist',
      });
    });
  });

  describe('when the request itself is wrong', () => {
    it('then a Password from another passkey is refused with 500 "Wrong credentials"', async () => {
      const ids = await pushFor(254712345678);
      const timestamp = nairobiTimestamp();

      const answer = await harness.query(ids.checkoutRequestId, token, {
        Timestamp: timestamp,
        Password: darajaPassword(SHORTCODE, 'wrong', timestamp),
      });

      expect(answer.status).toBe(500);
      expect(answer.json.errorMessage).toBe('Wrong credentials');
    });

    it('then a missing CheckoutRequestID is refused with 400 "Bad Request - Invalid CheckoutRequestID"', async () => {
      const answer = await harness.query('', token);

      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({
        errorCode: '400.002.02',
        errorMessage: 'Bad Request - Invalid CheckoutRequestID',
      });
    });

    it('then an unknown token is refused with 404 404.001.03', async () => {
      const ids = await pushFor(254712345678);

      const answer = await harness.query(ids.checkoutRequestId, 'c9SQxWWhmdVRlyh0zh8gZDTkubVF');

      expect(answer.status).toBe(404);
      expect(answer.json).toMatchObject({ errorCode: '404.001.03', errorMessage: 'Invalid Access Token' });
    });
  });
});

describe('simulator STK Query, the flaky and throttled answers reconciliation must survive', () => {
  it('when 0700000012 is queried repeatedly, then every other answer is HTTP 500 500.001.1001 "being processed", the others the real state', async () => {
    const harness = await startHarness({ callbackDelayMs: 0 });
    try {
      const token = await harness.fetchToken();
      const push = await harness.push(stkPushBody(harness.callbackUrl, { PhoneNumber: 254700000012 }), token);
      const checkoutRequestId = String(push.json.CheckoutRequestID);
      await sleep(20);
      const answers = [];
      for (let i = 0; i < 4; i += 1) answers.push(await harness.query(checkoutRequestId, token));
      expect(answers.map((answer) => answer.status)).toEqual([500, 200, 500, 200]);
      expect(answers[0]!.json).toMatchObject({
        errorCode: '500.001.1001',
        errorMessage: 'The transaction is being processed',
      });
      expect(answers[1]!.json).toMatchObject({ ResultCode: '1032' });
      await sleep(100);
      expect(harness.callbacks).toHaveLength(0); // and its callback never comes
    } finally {
      await harness.close();
    }
  });

  it('when queries exceed queryRateLimit per second, then the excess gets Spike Arrest, and the stats keep the busiest second', async () => {
    const harness = await startHarness({ callbackDelayMs: 0, queryRateLimit: 2 });
    try {
      const token = await harness.fetchToken();
      const push = await harness.push(stkPushBody(harness.callbackUrl), token);
      const checkoutRequestId = String(push.json.CheckoutRequestID);
      const answers = await Promise.all([1, 2, 3, 4].map(() => harness.query(checkoutRequestId, token)));
      expect(answers.map((answer) => answer.status).sort()).toEqual([200, 200, 500, 500]);
      expect(answers.find((answer) => answer.status === 500)!.json).toMatchObject({
        errorCode: '500.003.02',
        errorMessage: 'Error Occurred: Spike Arrest Violation',
      });
      expect((await harness.get('/__simulator/stats')).json).toMatchObject({
        stkQueries: 4,
        stkQueryPeakPerSecond: 4,
      });
    } finally {
      await harness.close();
    }
  });
});
