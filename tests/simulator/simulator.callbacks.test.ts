import {
  CALLBACK_DELAY_MS,
  itemValue,
  LATE_CALLBACK_MS,
  nairobiTimestamp,
  sleep,
  startHarness,
  stkPushBody,
  TILL,
  type Harness,
} from './simulator.harness';

describe('simulator STK callbacks', () => {
  let harness: Harness;
  let token: string;
  beforeAll(async () => {
    harness = await startHarness();
    token = await harness.fetchToken();
  });
  afterAll(async () => {
    await harness.close();
  });

  async function pushFor(phoneNumber: number, overrides: Record<string, unknown> = {}) {
    const answer = await harness.push(
      stkPushBody(harness.callbackUrl, { PhoneNumber: phoneNumber, ...overrides }),
      token,
    );
    expect(answer.status).toBe(200);
    return {
      merchantRequestId: String(answer.json.MerchantRequestID),
      checkoutRequestId: String(answer.json.CheckoutRequestID),
    };
  }

  describe('when a push pays a till as a PayBill, or a PayBill as a till', () => {
    it.each([
      [
        'a Buy Goods push names a number that is not a till of the shortcode',
        { TransactionType: 'CustomerBuyGoodsOnline', PartyB: 174379 },
        'SFC_IC0003',
      ],
      [
        'a PayBill push names another PartyB than the shortcode',
        { TransactionType: 'CustomerPayBillOnline', PartyB: TILL },
        2028,
      ],
    ])('then Daraja accepts it and fails it in the callback: %s', async (_case, overrides, resultCode) => {
      const ids = await pushFor(254712345678, overrides);
      const [callback] = await harness.waitForCallbacks(ids.checkoutRequestId, 1);
      expect(callback!.body.Body.stkCallback).toMatchObject({ ResultCode: resultCode });
      expect(callback!.body.Body.stkCallback.CallbackMetadata).toBeUndefined();
    });

    it('then a Buy Goods push to one of its tills, under its Head Office shortcode, is paid', async () => {
      const ids = await pushFor(254712345678, { TransactionType: 'CustomerBuyGoodsOnline', PartyB: TILL });
      const [callback] = await harness.waitForCallbacks(ids.checkoutRequestId, 1);
      expect(callback!.body.Body.stkCallback).toMatchObject({ ResultCode: 0 });
    });
  });

  describe('when the customer pays', () => {
    it("then one callback arrives with Daraja's headers and success body", async () => {
      const before = nairobiTimestamp();
      const ids = await pushFor(254712345678, { Amount: 25 });

      const [callback, ...extra] = await harness.waitForCallbacks(ids.checkoutRequestId, 1);
      await sleep(CALLBACK_DELAY_MS * 2);

      expect(extra).toHaveLength(0);
      expect(harness.callbacksFor(ids.checkoutRequestId)).toHaveLength(1);
      expect(callback!.headers['content-type']).toBe('application/json;charset=UTF-8');
      expect(callback!.headers.businessshortcode).toBe('174379');
      const { stkCallback } = callback!.body.Body;
      expect(Object.keys(callback!.body)).toEqual(['Body']);
      expect(stkCallback).toMatchObject({
        MerchantRequestID: ids.merchantRequestId,
        CheckoutRequestID: ids.checkoutRequestId,
        ResultCode: 0,
        ResultDesc: 'The service request is processed successfully.',
      });
      expect(stkCallback.CallbackMetadata!.Item.map((item) => item.Name)).toEqual([
        'Amount',
        'MpesaReceiptNumber',
        'Balance',
        'TransactionDate',
        'PhoneNumber',
      ]);
      expect(itemValue(callback!, 'Amount')).toBe(25);
      expect(itemValue(callback!, 'PhoneNumber')).toBe(254712345678);
      expect(stkCallback.CallbackMetadata!.Item.find((item) => item.Name === 'Balance')).toEqual({
        Name: 'Balance',
      });
      const transactionDate = itemValue(callback!, 'TransactionDate');
      expect(typeof transactionDate).toBe('number');
      expect(String(transactionDate) >= before).toBe(true);
      expect(String(transactionDate) <= nairobiTimestamp()).toBe(true);
    });

    it('then the receipt number encodes the Nairobi date (year, month A-L, day 1-9/A-V) and 7 random characters', async () => {
      const ids = await pushFor(254712345678);
      const [callback] = await harness.waitForCallbacks(ids.checkoutRequestId, 1);

      const receipt = String(itemValue(callback!, 'MpesaReceiptNumber'));
      const date = String(itemValue(callback!, 'TransactionDate'));
      const year = Number(date.slice(0, 4));
      const month = Number(date.slice(4, 6));
      const day = Number(date.slice(6, 8));
      expect(receipt).toMatch(/^[A-Z]{2}[1-9A-V][A-Z0-9]{7}$/);
      expect(receipt[0]).toBe(String.fromCharCode('A'.charCodeAt(0) + ((11 + year - 2017) % 26)));
      expect(receipt[1]).toBe('ABCDEFGHIJKL'[month - 1]);
      expect(receipt[2]).toBe('123456789ABCDEFGHIJKLMNOPQRSTUV'[day - 1]);
    });
  });

  describe('when the customer cancels (254700000001)', () => {
    it('then the callback carries ResultCode 1032 as a number and no CallbackMetadata', async () => {
      const ids = await pushFor(254700000001);

      const [callback] = await harness.waitForCallbacks(ids.checkoutRequestId, 1);

      expect(callback!.body).toEqual({
        Body: {
          stkCallback: {
            MerchantRequestID: ids.merchantRequestId,
            CheckoutRequestID: ids.checkoutRequestId,
            ResultCode: 1032,
            ResultDesc: 'Request cancelled by user',
          },
        },
      });
    });
  });

  it.each([
    [254700000002, 1, 'The balance is insufficient for the transaction.'],
    [254700000003, 1037, 'No response from user.'],
    [254700000004, 2001, 'The initiator information is invalid.'],
  ])(
    'when the PhoneNumber is %s, then the callback fails with ResultCode %s "%s"',
    async (phone, resultCode, resultDesc) => {
      const ids = await pushFor(phone);

      const [callback] = await harness.waitForCallbacks(ids.checkoutRequestId, 1);

      expect(callback!.body.Body.stkCallback).toEqual({
        MerchantRequestID: ids.merchantRequestId,
        CheckoutRequestID: ids.checkoutRequestId,
        ResultCode: resultCode,
        ResultDesc: resultDesc,
      });
    },
  );

  describe('when the callback is lost (254700000005)', () => {
    it('then no callback is ever posted, but STK Query reports the final success', async () => {
      const ids = await pushFor(254700000005);

      await sleep(CALLBACK_DELAY_MS * 6);
      const query = await harness.query(ids.checkoutRequestId, token);

      expect(harness.callbacksFor(ids.checkoutRequestId)).toHaveLength(0);
      expect(query.json).toMatchObject({
        ResultCode: '0',
        ResultDesc: 'The service request is processed successfully.',
      });
    });
  });

  describe('when the callback is duplicated (254700000006)', () => {
    it('then the same success callback arrives twice, about 100 ms apart', async () => {
      const ids = await pushFor(254700000006);

      const callbacks = await harness.waitForCallbacks(ids.checkoutRequestId, 2);
      await sleep(150);

      expect(harness.callbacksFor(ids.checkoutRequestId)).toHaveLength(2);
      const [first, second] = callbacks;
      expect(second!.body).toEqual(first!.body);
      expect(first!.body.Body.stkCallback.ResultCode).toBe(0);
      expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(70);
    });
  });

  describe('when the callback is late (254700000007)', () => {
    it('then nothing arrives at the normal delay, and the success callback arrives after lateCallbackMs', async () => {
      const pushedAt = Date.now();
      const ids = await pushFor(254700000007);

      await sleep(CALLBACK_DELAY_MS * 3);
      expect(harness.callbacksFor(ids.checkoutRequestId)).toHaveLength(0);
      // The payment itself is already settled: only its callback is late.
      expect((await harness.query(ids.checkoutRequestId, token)).json.ResultCode).toBe('0');

      const [callback] = await harness.waitForCallbacks(ids.checkoutRequestId, 1);
      expect(callback).toBeDefined();
      expect(callback!.receivedAt - pushedAt).toBeGreaterThanOrEqual(LATE_CALLBACK_MS - 10);
      expect(callback!.body.Body.stkCallback.ResultCode).toBe(0);
    });
  });

  describe('when the amount is mismatched (254700000011)', () => {
    it('then the callback reports the requested Amount + 1', async () => {
      const ids = await pushFor(254700000011, { Amount: 100 });

      const [callback] = await harness.waitForCallbacks(ids.checkoutRequestId, 1);

      expect(callback!.body.Body.stkCallback.ResultCode).toBe(0);
      expect(itemValue(callback!, 'Amount')).toBe(101);
    });
  });

  describe('when the CallBackURL cannot be reached', () => {
    it('then the simulator counts the attempt, does not retry, and keeps serving', async () => {
      const before = (await harness.get('/__simulator/stats')).json.callbacksSent as number;
      const answer = await harness.push(stkPushBody('http://127.0.0.1:9/unreachable'), token);
      expect(answer.status).toBe(200);

      await sleep(CALLBACK_DELAY_MS * 6);

      expect((await harness.get('/__simulator/stats')).json.callbacksSent).toBe(before + 1);
      expect((await harness.fetchToken()).length).toBe(28);
    });
  });
});
