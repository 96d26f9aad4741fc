// The Daraja quirks the simulator plays on request, by phone number (docs/simulator.md,
// docs/daraja.md §10): the bodies exactly as a client meets them, over real HTTP.
import { startHarness, stkPushBody, type Harness } from './simulator.harness';

describe('simulator quirks chosen by phone number', () => {
  let harness: Harness;
  let token: string;
  beforeAll(async () => {
    // The result stays hidden for a minute, so queries meet the payment in flight.
    harness = await startHarness({ callbackDelayMs: 60_000 });
    token = await harness.fetchToken();
  });
  afterAll(async () => {
    await harness.close();
  });

  const push = (phoneNumber: number) =>
    harness.push(stkPushBody(harness.callbackUrl, { PhoneNumber: phoneNumber, Amount: 10 }), token);

  it('when the phone is 254700000015 and the customer is deciding, then STK Query answers HTTP 200 with 500.001.1001 and an empty errorMessage, not 4999', async () => {
    const accepted = await push(254700000015);
    expect(accepted.status).toBe(200);
    const answer = await harness.query(String(accepted.json.CheckoutRequestID), token);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      requestId: expect.any(String),
      errorCode: '500.001.1001',
      errorMessage: '',
    });
  });

  it('when the phone is any other and the customer is deciding, then STK Query answers 4999 as usual', async () => {
    const accepted = await push(254712345678);
    const answer = await harness.query(String(accepted.json.CheckoutRequestID), token);
    expect(answer).toMatchObject({ status: 200, json: { ResultCode: '4999' } });
  });

  it('when the phone is 254700000016, then the push is refused with HTTP 500 500.003.03 Quota Violation and nothing else', async () => {
    const refused = await push(254700000016);
    expect(refused.status).toBe(500);
    expect(refused.json).toEqual({
      requestId: expect.any(String),
      errorCode: '500.003.03',
      errorMessage: 'Quota Violation',
    });
  });
});

describe('simulator callback shapes chosen by phone number', () => {
  let harness: Harness;
  let token: string;
  beforeAll(async () => {
    harness = await startHarness();
    token = await harness.fetchToken();
  });
  afterAll(async () => {
    await harness.close();
  });

  async function callbackFor(phoneNumber: number) {
    const accepted = await harness.push(
      stkPushBody(harness.callbackUrl, { PhoneNumber: phoneNumber, Amount: 10 }),
      token,
    );
    expect(accepted.status).toBe(200);
    const [callback] = await harness.waitForCallbacks(String(accepted.json.CheckoutRequestID), 1);
    return callback!.body.Body.stkCallback as Record<string, unknown>;
  }

  it('when the phone is 254700000013, then the callback Amount is the text "10.00" and there is no Balance item', async () => {
    const stk = await callbackFor(254700000013);
    const items = (stk.CallbackMetadata as { Item: Array<{ Name: string; Value?: unknown }> }).Item;
    expect(items.map((item) => item.Name)).toEqual([
      'Amount',
      'MpesaReceiptNumber',
      'TransactionDate',
      'PhoneNumber',
    ]);
    expect(items[0]).toEqual({ Name: 'Amount', Value: '10.00' });
  });

  it('when the phone is 254700000014, then CallbackMetadata.Item is one object holding the receipt', async () => {
    const stk = await callbackFor(254700000014);
    expect(stk).toMatchObject({ ResultCode: 0 });
    expect(stk.CallbackMetadata).toEqual({
      Item: { Name: 'MpesaReceiptNumber', Value: expect.stringMatching(/^[A-Z0-9]{10}$/) },
    });
  });

  it('when the phone is 254700000017, then the push is accepted and the callback says 1025 as a number, without metadata', async () => {
    const stk = await callbackFor(254700000017);
    expect(stk).toMatchObject({
      ResultCode: 1025,
      ResultDesc: 'An error occurred while sending a push request.',
    });
    expect(stk.CallbackMetadata).toBeUndefined();
  });
});
