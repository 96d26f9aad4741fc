import {
  darajaPassword,
  HEX_GROUP_ID,
  nairobiTimestamp,
  SHORTCODE,
  startHarness,
  stkPushBody,
  type Harness,
} from './simulator.harness';

const STK_PUSH = '/mpesa/stkpush/v1/processrequest';
const ACCEPTED = 'Success. Request accepted for processing';

describe('simulator STK Push (POST /mpesa/stkpush/v1/processrequest)', () => {
  let harness: Harness;
  let token: string;
  beforeAll(async () => {
    harness = await startHarness();
    token = await harness.fetchToken();
  });
  afterAll(async () => {
    await harness.close();
  });

  const errorBody = (status: number, errorCode: string, errorMessage: string) => ({
    status,
    json: { requestId: expect.stringMatching(HEX_GROUP_ID), errorCode, errorMessage },
  });

  describe('when the request is valid', () => {
    it("then it answers 200 with exactly Daraja's acknowledgement fields", async () => {
      const answer = await harness.push(stkPushBody(harness.callbackUrl), token);

      expect(answer.status).toBe(200);
      expect(answer.json).toEqual({
        MerchantRequestID: expect.stringMatching(HEX_GROUP_ID),
        CheckoutRequestID: expect.any(String),
        ResponseCode: '0',
        ResponseDescription: ACCEPTED,
        CustomerMessage: ACCEPTED,
      });
    });

    it('then the CheckoutRequestID is ws_CO_ + Nairobi ddMMyyyyHHmmss + sub-second digits + the last 9 MSISDN digits', async () => {
      const before = Date.now();
      const answer = await harness.push(stkPushBody(harness.callbackUrl), token);
      const after = Date.now();

      const match = /^ws_CO_(\d{2})(\d{2})(\d{4})(\d{2})(\d{2})(\d{2})(\d{1,3})(\d{9})$/.exec(
        String(answer.json.CheckoutRequestID),
      );
      expect(match).not.toBeNull();
      const [, day, month, year, hour, minute, second, , msisdnTail] = match!;
      expect(msisdnTail).toBe('712345678');
      // Read the stamp back as Nairobi time (UTC+3) and check it is "now".
      const stampedUtc =
        Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second)) -
        3 * 3600_000;
      expect(stampedUtc).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
      expect(stampedUtc).toBeLessThanOrEqual(after);
    });

    it("then fields sent as numeric strings (the portal sample's mix) are accepted too", async () => {
      const body = stkPushBody(harness.callbackUrl, {
        BusinessShortCode: SHORTCODE,
        Amount: '1',
        PartyA: '254722000000',
        PartyB: '174379',
        PhoneNumber: '254722111111',
      });

      const answer = await harness.push(body, token);

      expect(answer.status).toBe(200);
      expect(String(answer.json.CheckoutRequestID)).toMatch(/722111111$/);
    });

    it('then many pushes at the same instant still get unique IDs', async () => {
      const answers = await Promise.all(
        Array.from({ length: 40 }, () => harness.push(stkPushBody(harness.callbackUrl), token)),
      );

      expect(answers.every((answer) => answer.status === 200)).toBe(true);
      expect(new Set(answers.map((answer) => answer.json.CheckoutRequestID)).size).toBe(40);
      expect(new Set(answers.map((answer) => answer.json.MerchantRequestID)).size).toBe(40);
    });
  });

  describe('when the merchant checks fail', () => {
    it('then a Password built from another passkey is refused with 500 "Wrong credentials"', async () => {
      const timestamp = nairobiTimestamp();
      const body = stkPushBody(harness.callbackUrl, {
        Timestamp: timestamp,
        Password: darajaPassword(SHORTCODE, 'not-the-passkey', timestamp),
      });

      expect(await harness.push(body, token)).toMatchObject(
        errorBody(500, '500.001.1001', 'Wrong credentials'),
      );
    });

    it('then a Password built for another Timestamp is refused with 500 "Wrong credentials"', async () => {
      const body = stkPushBody(harness.callbackUrl, { Timestamp: '20240101120000' });

      expect(await harness.push(body, token)).toMatchObject(
        errorBody(500, '500.001.1001', 'Wrong credentials'),
      );
    });

    it('then an unknown shortcode is refused with 500 "Merchant does not exist"', async () => {
      const body = stkPushBody(harness.callbackUrl, { BusinessShortCode: 600000, PartyB: 600000 });

      expect(await harness.push(body, token)).toMatchObject(
        errorBody(500, '500.001.1001', 'Merchant does not exist'),
      );
    });
  });

  describe('when a field is invalid', () => {
    it.each([
      ['BusinessShortCode has 4 digits', 'BusinessShortCode', { BusinessShortCode: 1234 }],
      ['Timestamp is not a real date', 'Timestamp', { Timestamp: '20240230120000' }],
      ['Timestamp has a separator', 'Timestamp', { Timestamp: '2024-01-01T12:00' }],
      ['TransactionType is unknown', 'TransactionType', { TransactionType: 'CustomerPayBill' }],
      ['Amount is a decimal', 'Amount', { Amount: 1.5 }],
      ['Amount is zero', 'Amount', { Amount: 0 }],
      ['PartyA is in 07 form', 'PartyA', { PartyA: '0712345678' }],
      ['PartyB is not digits', 'PartyB', { PartyB: 'till' }],
      ['PhoneNumber is 11 digits', 'PhoneNumber', { PhoneNumber: 25471234567 }],
      ['CallBackURL has a space', 'CallBackURL', { CallBackURL: 'https://my domain.com/cb' }],
      ['CallBackURL is not http(s)', 'CallBackURL', { CallBackURL: 'ftp://example.com/cb' }],
      ['CallBackURL is relative', 'CallBackURL', { CallBackURL: '/callbacks' }],
      ['AccountReference is empty', 'AccountReference', { AccountReference: '' }],
      ['TransactionDesc is missing', 'Remarks', { TransactionDesc: undefined }],
      ['TransactionDesc is null', 'Remarks', { TransactionDesc: null }],
      [
        'both BusinessShortCode and Amount are wrong',
        'BusinessShortCode',
        { BusinessShortCode: 'abc', Amount: -1 },
      ],
    ])(
      'then, when %s, it answers 400 400.002.02 "Bad Request - Invalid %s"',
      async (_case, field, overrides) => {
        const answer = await harness.push(stkPushBody(harness.callbackUrl, overrides), token);

        expect(answer).toMatchObject(errorBody(400, '400.002.02', `Bad Request - Invalid ${field}`));
      },
    );
  });

  describe('when the body is not JSON', () => {
    it("then a non-JSON Content-Type is answered as an invalid BusinessShortCode (Daraja's quirk)", async () => {
      const answer = await harness.post(STK_PUSH, JSON.stringify(stkPushBody(harness.callbackUrl)), {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'text/plain',
      });

      expect(answer).toMatchObject(errorBody(400, '400.002.02', 'Bad Request - Invalid BusinessShortCode'));
    });

    it('then malformed JSON is answered 400.002.05 "Invalid Request Payload"', async () => {
      const answer = await harness.post(STK_PUSH, '{"BusinessShortCode": 174379,', {
        Authorization: `Bearer ${token}`,
      });

      expect(answer).toMatchObject(errorBody(400, '400.002.05', 'Invalid Request Payload'));
    });
  });

  describe('when the access token is not valid', () => {
    it.each([
      ['unknown', { Authorization: 'Bearer c9SQxWWhmdVRlyh0zh8gZDTkubVF' }],
      ['missing', {} as Record<string, string>],
      ['sent with the Basic scheme', { Authorization: 'Basic c9SQxWWhmdVRlyh0zh8gZDTkubVF' }],
    ])('then, when it is %s, it answers 404 404.001.03 "Invalid Access Token"', async (_case, headers) => {
      const answer = await harness.post(STK_PUSH, stkPushBody(harness.callbackUrl), headers);

      expect(answer).toMatchObject(errorBody(404, '404.001.03', 'Invalid Access Token'));
    });
  });

  describe('when the PhoneNumber selects a refusal', () => {
    it('then 254700000008 is refused with "Unable to lock subscriber"', async () => {
      const answer = await harness.push(
        stkPushBody(harness.callbackUrl, { PhoneNumber: 254700000008 }),
        token,
      );

      expect(answer).toMatchObject(
        errorBody(
          500,
          '500.001.1001',
          'Unable to lock subscriber, a transaction is already in process for the current subscriber',
        ),
      );
    });

    it('then 254700000009 is refused with a spike arrest', async () => {
      const answer = await harness.push(
        stkPushBody(harness.callbackUrl, { PhoneNumber: '254700000009' }),
        token,
      );

      expect(answer).toMatchObject(errorBody(500, '500.003.02', 'Error Occurred: Spike Arrest Violation'));
    });
  });

  describe('when the token expires mid-flight (254700000010)', () => {
    const expiring = () =>
      stkPushBody(harness.callbackUrl, { PartyA: 254700000010, PhoneNumber: 254700000010 });

    it('then the first push answers 404 and revokes the token, and a retry with a new token succeeds', async () => {
      const firstToken = await harness.fetchToken();

      const first = await harness.push(expiring(), firstToken);
      expect(first).toMatchObject(errorBody(404, '404.001.03', 'Invalid Access Token'));
      // The old token is dead for every request now, not only for this number.
      expect((await harness.push(stkPushBody(harness.callbackUrl), firstToken)).status).toBe(404);

      const retry = await harness.push(expiring(), await harness.fetchToken());
      expect(retry.status).toBe(200);
      expect(String(retry.json.CheckoutRequestID)).toMatch(/700000010$/);
    });

    it('then the next flight for the same number expires its token again', async () => {
      const answer = await harness.push(expiring(), await harness.fetchToken());

      expect(answer.status).toBe(404);
    });
  });
});
