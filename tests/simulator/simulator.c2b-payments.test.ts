// A customer pays a PayBill or till: Daraja's C2B simulate (v1, v2) and the simulator's own
// "customer pays" action, over real HTTP to a merchant's Validation and Confirmation URLs:
// bodies, MSISDN forms, the validation deadline and ResponseType fallback, rejections, no retry.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import fixtures from '../fixtures/daraja-fixtures.json';
import {
  ACCEPT,
  asApp,
  customerPays,
  registerBody,
  simulateBody,
  startC2bReceiver,
  type C2bReceiver,
} from './c2b.harness';
import { HEX_GROUP_ID, nairobiTimestamp, sleep, startHarness, type Harness } from './simulator.harness';

const VALIDATION_TIMEOUT_MS = 300;
const RECEIPT = /^[A-Z][A-L][1-9A-V][A-Z0-9]{7}$/;

describe('C2B payments', () => {
  let harness: Harness;
  let receiver: C2bReceiver;
  let app: ReturnType<typeof asApp>;
  let shortCodes = 600200;
  /** A fresh shortcode registered to the receiver, with the given settings. */
  async function shortCode(
    settings: Record<string, unknown> = {},
    register: Record<string, unknown> = {},
    version = 'v2',
  ) {
    const code = String((shortCodes += 1));
    if (Object.keys(settings).length > 0) expect((await app.setShortCode(code, settings)).status).toBe(200);
    expect(
      (await app.register(registerBody(receiver, { ShortCode: code, ...register }), version)).status,
    ).toBe(200);
    return code;
  }
  const sent = (code: string, list: C2bReceiver['confirmations']) =>
    list.filter((notification) => notification.body.BusinessShortCode === code);

  beforeAll(async () => {
    receiver = await startC2bReceiver();
    harness = await startHarness({ c2b: { validationTimeoutMs: VALIDATION_TIMEOUT_MS } });
    app = asApp(harness, await harness.fetchToken());
  });
  afterAll(async () => {
    await harness.close();
    await receiver.close();
  });
  beforeEach(() => {
    receiver.answerValidation({ json: ACCEPT });
    receiver.answerConfirmation({ json: { ResultCode: 0, ResultDesc: 'Success' } });
  });

  describe('POST /mpesa/c2b/v2/simulate', () => {
    it("when a PayBill is paid without External Validation, then Daraja's acknowledgement comes back and one flat confirmation follows, every value a string", async () => {
      const code = await shortCode();
      const before = nairobiTimestamp(new Date(Date.now() - 1000));
      const answer = await app.simulate(simulateBody({ ShortCode: Number(code), Amount: 5 }));
      expect(answer.status).toBe(200);
      const acknowledged = fixtures.c2b_simulate_response.body;
      expect(Object.keys(answer.json).sort()).toEqual(Object.keys(acknowledged).sort());
      expect(answer.json).toMatchObject({
        ResponseCode: '0',
        ResponseDescription: acknowledged.ResponseDescription,
      });
      expect(answer.json.OriginatorCoversationID).toMatch(HEX_GROUP_ID);
      await receiver.waitForConfirmations(receiver.confirmations.length + 1);
      const [confirmation] = sent(code, receiver.confirmations);
      expect(sent(code, receiver.validations)).toHaveLength(0);
      expect(confirmation!.contentType).toMatch(/^application\/json/);
      const body = confirmation!.body;
      // The documented body's fields, in its order, every value a string.
      const documented = fixtures.c2b_confirmation_or_validation_payload_v2_masked.body;
      expect(Object.keys(body)).toEqual(Object.keys(documented));
      expect(Object.values(body).every((value) => typeof value === 'string')).toBe(true);
      expect(String(body.MSISDN)).toMatch(/^\d{4} \*{5} \d{3}$/);
      expect(documented.MSISDN).toMatch(/^\d{4} \*{5} \d{3}$/);
      expect(body).toMatchObject({
        TransactionType: 'Pay Bill',
        TransAmount: '5.00',
        BusinessShortCode: code,
        BillRefNumber: 'INV-9',
        InvoiceNumber: '',
        OrgAccountBalance: '5.00',
        ThirdPartyTransID: '',
        MSISDN: '2547 ***** 149',
        FirstName: 'JOHN',
        MiddleName: '',
        LastName: '',
      });
      expect(body.TransID).toMatch(RECEIPT);
      // East Africa Time, like every Daraja timestamp.
      expect(String(body.TransTime) >= before).toBe(true);
      expect(String(body.TransTime) <= nairobiTimestamp(new Date(Date.now() + 1000))).toBe(true);
    });

    it('when a till is paid twice, then TransactionType is "Buy Goods" and OrgAccountBalance grows by each payment', async () => {
      const code = await shortCode();
      for (const amount of [100, 250]) {
        await app.simulate(
          simulateBody({ ShortCode: code, CommandID: 'CustomerBuyGoodsOnline', Amount: String(amount) }),
        );
        await receiver.waitForConfirmations(receiver.confirmations.length + 1);
      }
      expect(
        sent(code, receiver.confirmations).map((c) => [
          c.body.TransactionType,
          c.body.TransAmount,
          c.body.OrgAccountBalance,
        ]),
      ).toEqual([
        ['Buy Goods', '100.00', '100.00'],
        ['Buy Goods', '250.00', '350.00'],
      ]);
    });

    it.each([
      ['CommandID', { CommandID: 'CustomerPayBill' }],
      ['Amount', { Amount: 10.5 }],
      ['Msisdn', { Msisdn: '0712345678' }],
      ['ShortCode', { ShortCode: '12' }],
      ['BillRefNumber', { BillRefNumber: 'X'.repeat(21) }],
    ])('when %s is invalid, then 400.002.02 names it and nothing is paid', async (field, overrides) => {
      const payments = (await harness.get('/__simulator/stats')).json.c2bPayments;
      const answer = await app.simulate(simulateBody(overrides));
      expect([answer.status, answer.json.errorCode, answer.json.errorMessage]).toEqual([
        400,
        '400.002.02',
        `Bad Request - Invalid ${field}`,
      ]);
      expect((await harness.get('/__simulator/stats')).json.c2bPayments).toBe(payments);
    });
  });

  describe('the payer MSISDN', () => {
    it('when the URLs were registered on v1, then MSISDN is the SHA-256 hex of the 12-digit number', async () => {
      await app.setProductVersion('v1');
      try {
        const code = await shortCode({}, {}, 'v1');
        await app.simulate(simulateBody({ ShortCode: code, Msisdn: '254712345678' }), 'v1');
        await receiver.waitForConfirmations(receiver.confirmations.length + 1);
        expect(sent(code, receiver.confirmations)[0]!.body.MSISDN).toBe(
          createHash('sha256').update('254712345678').digest('hex'),
        );
      } finally {
        await app.setProductVersion('v2');
      }
    });

    it('when the shortcode is set to send it clear, then MSISDN is the number itself, and null puts the version form back', async () => {
      const code = await shortCode({ msisdnForm: 'clear' });
      await customerPays(harness, { shortCode: code, msisdn: '254112345678' });
      expect(sent(code, receiver.confirmations)[0]!.body.MSISDN).toBe('254112345678');
      await app.setShortCode(code, { msisdnForm: null });
      await customerPays(harness, { shortCode: code, msisdn: '254112345678' });
      expect(sent(code, receiver.confirmations)[1]!.body.MSISDN).toBe('2541 ***** 678');
    });
  });

  describe('External Validation', () => {
    it('when the merchant accepts with a ThirdPartyTransID, then validation comes first (blank balance), and the confirmation of the same TransID carries it back', async () => {
      const code = await shortCode({ externalValidation: true });
      receiver.answerValidation({ json: { ...ACCEPT, ThirdPartyTransID: 'TP-77' } });
      const paid = await customerPays(harness, { shortCode: code, firstName: 'Wanjiru', lastName: 'Kamau' });
      expect(paid.json).toMatchObject({
        status: 'completed',
        validation: {
          requested: true,
          decision: 'accepted',
          resultCode: '0',
          thirdPartyTransId: 'TP-77',
          httpStatus: 200,
        },
        confirmation: { sent: true, delivered: true, httpStatus: 200 },
      });
      const [validation] = sent(code, receiver.validations);
      const [confirmation] = sent(code, receiver.confirmations);
      expect(validation!.body).toMatchObject({
        OrgAccountBalance: '',
        ThirdPartyTransID: '',
        FirstName: 'WANJIRU',
        LastName: 'KAMAU',
      });
      expect(confirmation!.body).toMatchObject({
        TransID: validation!.body.TransID,
        ThirdPartyTransID: 'TP-77',
        OrgAccountBalance: '10.00',
      });
      expect(confirmation!.body.TransID).toBe(paid.json.transId);
      expect(validation!.at).toBeLessThanOrEqual(confirmation!.at);
    });

    it.each(['C2B00011', 'C2B00012', 'C2B00013', 'C2B00014', 'C2B00015', 'C2B00016'])(
      'when the merchant rejects with %s, then the payment is cancelled, nothing is confirmed, and the decision is recorded',
      async (resultCode) => {
        const code = await shortCode({ externalValidation: true });
        receiver.answerValidation({ json: { ResultCode: resultCode, ResultDesc: 'Rejected' } });
        const cancelledBefore = (await harness.get('/__simulator/stats')).json.c2bPaymentsCancelled as number;
        const paid = await customerPays(harness, { shortCode: code });
        expect(paid.json).toMatchObject({
          status: 'cancelled',
          validation: { decision: 'rejected', resultCode, resultDesc: 'Rejected' },
          confirmation: { sent: false, reason: 'payment cancelled' },
        });
        await sleep(50);
        expect(sent(code, receiver.confirmations)).toHaveLength(0);
        expect((await harness.get('/__simulator/stats')).json.c2bPaymentsCancelled).toBe(cancelledBefore + 1);
        const recorded = ((await app.payments()).json.payments as Array<Record<string, unknown>>).find(
          (payment) => payment.transId === paid.json.transId,
        );
        expect(recorded).toMatchObject({ status: 'cancelled', via: 'customer', validation: { resultCode } });
      },
    );

    it.each([
      ['answers after the deadline', { json: ACCEPT, delayMs: VALIDATION_TIMEOUT_MS + 500 }, 'timeout'],
      ['answers HTTP 500', { status: 500, json: { ResultCode: 'C2B00016' } }, 'HTTP 500'],
      ['answers no ResultCode', { text: 'ok' }, 'no ResultCode in the answer'],
    ])(
      'when the ValidationURL %s, then ResponseType Completed completes and confirms, Cancelled cancels',
      async (_label, script, failure) => {
        for (const responseType of ['Completed', 'Cancelled'] as const) {
          const code = await shortCode({ externalValidation: true }, { ResponseType: responseType });
          receiver.answerValidation(script);
          const started = Date.now();
          const paid = await customerPays(harness, { shortCode: code });
          // The deadline is the simulator's, not the merchant's: it did not wait for the slow answer.
          expect(Date.now() - started).toBeLessThan(VALIDATION_TIMEOUT_MS + 450);
          expect(paid.json).toMatchObject({
            status: responseType === 'Completed' ? 'completed' : 'cancelled',
            validation: { requested: true, decision: 'default', responseType, failure },
          });
          expect(sent(code, receiver.confirmations)).toHaveLength(responseType === 'Completed' ? 1 : 0);
        }
      },
    );

    it('when validation is on but no URLs are registered, then M-Pesa completes the payment and tells nobody', async () => {
      await app.setShortCode('600299', { externalValidation: true });
      const paid = await customerPays(harness, { shortCode: '600299', consumerKey: 'test-consumer-key' });
      expect(paid.json).toMatchObject({
        status: 'completed',
        validation: { requested: false, reason: 'no URLs registered' },
        confirmation: { sent: false, reason: 'no URLs registered' },
      });
    });
  });

  describe('confirmation delivery', () => {
    it('when the ConfirmationURL answers 500, then it is recorded as not delivered and never posted again', async () => {
      const code = await shortCode();
      receiver.answerConfirmation({ status: 500, json: { error: 'down' } });
      const sentBefore = (await harness.get('/__simulator/stats')).json.c2bConfirmationsSent as number;
      const paid = await customerPays(harness, { shortCode: code });
      expect(paid.json).toMatchObject({
        status: 'completed',
        confirmation: { sent: true, delivered: false, httpStatus: 500 },
      });
      await sleep(300);
      expect(sent(code, receiver.confirmations)).toHaveLength(1);
      expect((await harness.get('/__simulator/stats')).json.c2bConfirmationsSent).toBe(sentBefore + 1);
    });

    it('when the ConfirmationURL is unreachable, then the payment still completes, the failure is recorded, and nothing is retried', async () => {
      const closed = createServer();
      closed.listen(0, '127.0.0.1');
      await once(closed, 'listening');
      const { port } = closed.address() as { port: number };
      await new Promise((resolve) => closed.close(resolve));
      const code = String((shortCodes += 1));
      await app.register(
        registerBody(receiver, { ShortCode: code, ConfirmationURL: `http://127.0.0.1:${port}/gone` }),
      );
      const paid = await customerPays(harness, { shortCode: code });
      expect(paid.json).toMatchObject({
        status: 'completed',
        confirmation: { sent: true, delivered: false },
      });
      expect(String((paid.json.confirmation as { failure: string }).failure)).toMatch(
        /ECONNREFUSED|fetch failed/,
      );
    });
  });

  describe('POST /__simulator/c2b/payments (the customer)', () => {
    it.each([
      ['msisdn', { msisdn: '0712345678' }],
      ['amount', { amount: '10.50' }],
      ['commandId', { commandId: 'Pay' }],
      ['firstName', { firstName: 42 }],
    ])('when %s is invalid, then 400.002.02 names it', async (field, overrides) => {
      const answer = await customerPays(harness, overrides);
      expect([answer.status, answer.json.errorMessage]).toEqual([400, `Bad Request - Invalid ${field}`]);
    });

    it('when the body is not a JSON object, does not inflate, or a path parameter does not decode, then 400.002.05, never a 500', async () => {
      const answers = [
        await harness.post('/__simulator/c2b/payments', '[1]'),
        await harness.post('/__simulator/c2b/payments', 'garbage', { 'Content-Encoding': 'br' }),
        await (async () => {
          const response = await fetch(`${harness.baseUrl}/__simulator/c2b/shortcodes/%ZZ`, {
            method: 'PUT',
            headers: { 'Content-Type': 'application/json' },
            body: '{}',
          });
          return { status: response.status, json: (await response.json()) as Record<string, unknown> };
        })(),
      ];
      expect(answers.map((answer) => [answer.status, answer.json.errorCode])).toEqual([
        [400, '400.002.05'],
        [400, '400.002.05'],
        [400, '400.002.05'],
      ]);
    });
  });
});
