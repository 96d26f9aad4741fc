// The standalone simulator's Transaction Status and Dynamic QR over real HTTP, shaped as Daraja's
// pages document them (docs/daraja.md §7): the synchronous answer, then the Result POSTed once.
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { parseCertificate } from '../../src/core/certificate';
import { encryptSecurityCredential } from '../../src/mpesa/mpesa.security-credential';
import { staticDirectory } from '../../src/simulator/simulator.directory';
import {
  CONSUMER_KEY,
  CONSUMER_SECRET,
  PASSKEY,
  SHORTCODE,
  TILL,
  startHarness,
  stkPushBody,
  type Harness,
} from './simulator.harness';

const INITIATOR = { name: 'testapi', password: 'Initiator-Pass-1' };

let harness: Harness;
let token: string;
let credentialFor: (password: string) => string;
beforeAll(async () => {
  harness = await startHarness({
    directory: staticDirectory([{ consumerKey: CONSUMER_KEY, consumerSecret: CONSUMER_SECRET }], {
      [SHORTCODE]: { passkey: PASSKEY, tills: [TILL], initiators: [INITIATOR] },
    }),
  });
  token = await harness.fetchToken();
  const certificate = await harness.get('/__simulator/certificate');
  expect(certificate.status).toBe(200);
  const parsed = parseCertificate(certificate.text);
  credentialFor = (password) => encryptSecurityCredential(password, parsed);
});
afterAll(() => harness.close());

const statusBody = (overrides: Record<string, unknown> = {}) => ({
  Initiator: INITIATOR.name,
  SecurityCredential: credentialFor(INITIATOR.password),
  CommandID: 'TransactionStatusQuery',
  TransactionID: 'UA00000000',
  PartyA: SHORTCODE,
  IdentifierType: '4',
  ResultURL: harness.callbackUrl,
  QueueTimeOutURL: harness.callbackUrl,
  Remarks: 'OK',
  Occasion: 'OK',
  ...overrides,
});

type Result = {
  Result: {
    ResultCode: unknown;
    ResultDesc: unknown;
    ConversationID: string;
    TransactionID: string;
    ResultParameters?: { ResultParameter: Array<{ Key: string; Value?: unknown }> };
  };
};

async function resultOf(conversationId: string): Promise<Result> {
  const deadline = Date.now() + 3000;
  for (;;) {
    const found = harness.callbacks.find(
      (callback) => (callback.body as unknown as Result).Result?.ConversationID === conversationId,
    );
    if (found) return found.body as unknown as Result;
    if (Date.now() > deadline) throw new Error(`no Result for ${conversationId}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const ask = (body: Record<string, unknown>) =>
  harness.post('/mpesa/transactionstatus/v1/query', body, { Authorization: `Bearer ${token}` });

describe('POST /mpesa/transactionstatus/v1/query', () => {
  it('when a receipt the simulator issued is asked about, then it answers accepted at once and posts the Result: real ReceiptNo, string Amount, placeholder TransactionID', async () => {
    const push = await harness.push(stkPushBody(harness.callbackUrl, { Amount: 37 }), token);
    const [callback] = await harness.waitForCallbacks(String(push.json.CheckoutRequestID), 1);
    const receipt = String(
      callback!.body.Body.stkCallback.CallbackMetadata!.Item.find(
        (item) => item.Name === 'MpesaReceiptNumber',
      )!.Value,
    );

    const accepted = await ask(statusBody({ TransactionID: receipt }));
    expect(accepted.status).toBe(200);
    expect(accepted.json).toEqual({
      OriginatorConversationID: expect.stringMatching(/^[0-9a-f-]{36}$/),
      ConversationID: expect.stringMatching(/^AG_\d{8}_[0-9a-f]{20}$/),
      ResponseCode: '0',
      ResponseDescription: 'Accept the service request successfully.',
    });
    const { Result } = await resultOf(String(accepted.json.ConversationID));
    expect(Result).toMatchObject({
      ResultCode: 0,
      ResultDesc: 'The service request is processed successfully.',
    });
    expect(Result.TransactionID).toBe(`${receipt.slice(0, 3)}0000000`);
    const parameters = Result.ResultParameters!.ResultParameter;
    expect(parameters).toContainEqual({ Key: 'ReceiptNo', Value: receipt });
    expect(parameters).toContainEqual({ Key: 'Amount', Value: '37' });
    expect(parameters).toContainEqual({ Key: 'TransactionStatus', Value: 'Completed' });
    // Daraja's sample carries a Key with no Value: readers must cope.
    expect(parameters).toContainEqual({ Key: 'TransactionReason' });
  });

  it('when a customer paid the shortcode from the M-Pesa menu (C2B), then its TransID is found too, with the payer named', async () => {
    const paid = await harness.post('/__simulator/c2b/payments', {
      shortCode: SHORTCODE,
      amount: 120,
      msisdn: '254708374149',
      billRefNumber: 'INV-9',
      firstName: 'Wanjiru',
      lastName: 'Kamau',
    });
    expect(paid.json.status).toBe('completed');
    const receipt = String(paid.json.transId);
    const accepted = await ask(statusBody({ TransactionID: receipt }));
    const { Result } = await resultOf(String(accepted.json.ConversationID));
    expect(Result.ResultCode).toBe(0);
    expect(Result.ResultParameters!.ResultParameter).toEqual(
      expect.arrayContaining([
        { Key: 'ReceiptNo', Value: receipt },
        { Key: 'Amount', Value: '120' },
        { Key: 'DebitPartyName', Value: '254708374149 - WANJIRU KAMAU' },
      ]),
    );
  });

  it('when the receipt is unknown, then the Result is 2032 without parameters', async () => {
    const accepted = await ask(statusBody({ TransactionID: 'UZ99999999' }));
    const { Result } = await resultOf(String(accepted.json.ConversationID));
    expect(Result.ResultCode).toBe(2032);
    expect(Result.ResultParameters).toBeUndefined();
  });

  it('when the SecurityCredential is not the password encrypted with its certificate, then the Result is 2001', async () => {
    for (const credential of [credentialFor('wrong'), 'bm90IGVuY3J5cHRlZA==']) {
      const accepted = await ask(statusBody({ SecurityCredential: credential }));
      const { Result } = await resultOf(String(accepted.json.ConversationID));
      expect(Result).toMatchObject({ ResultCode: 2001, ResultDesc: 'The initiator information is invalid.' });
    }
  });

  it.each([
    ['CommandID', { CommandID: 'TransactionStatus' }],
    ['PartyA', { PartyA: 'abc' }],
    ['TransactionID', { TransactionID: 'SHORT' }],
    ['ResultURL', { ResultURL: 'not a url' }],
  ])('when %s is wrong, then it is refused at once with 400.002.02', async (field, overrides) => {
    const refused = await ask(statusBody(overrides));
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({
      errorCode: '400.002.02',
      errorMessage: `Bad Request - Invalid ${field}`,
    });
  });

  it('when the token is missing, then it is the gateway 404 of a bad token', async () => {
    const refused = await harness.post('/mpesa/transactionstatus/v1/query', statusBody());
    expect(refused.status).toBe(404);
    expect(refused.json.errorCode).toBe('404.001.03');
  });
});

describe('POST /mpesa/qrcode/v1/generate', () => {
  const generate = (body: Record<string, unknown>) =>
    harness.post('/mpesa/qrcode/v1/generate', body, { Authorization: `Bearer ${token}` });
  const qrBody = (overrides: Record<string, unknown> = {}) => ({
    MerchantName: 'TEST SUPERMARKET',
    RefNo: 'Invoice Test',
    Amount: 1,
    TrxCode: 'BG',
    CPI: '373132',
    Size: '300',
    ...overrides,
  });

  it("when Daraja's own sample is sent, then the answer has an opaque AG_ ResponseCode and a real PNG of Size pixels", async () => {
    const answer = await generate(qrBody());
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      ResponseCode: expect.stringMatching(/^AG_\d{8}_[0-9a-f]{20}$/),
      RequestID: expect.stringMatching(/^\d+-\d+-1$/),
      ResponseDescription: 'QR Code Successfully Generated.',
    });
    const image = PNG.sync.read(Buffer.from(String(answer.json.QRCode), 'base64'));
    expect([image.width, image.height]).toEqual([300, 300]);
    const code = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
    expect(JSON.parse(code!.data)).toEqual({
      MerchantName: 'TEST SUPERMARKET',
      RefNo: 'Invoice Test',
      Amount: 1,
      TrxCode: 'BG',
      CPI: '373132',
    });
  });

  it.each([
    ['TrxCode', { TrxCode: 'XX' }],
    ['Amount', { Amount: 0 }],
    ['CPI', { TrxCode: 'SM', CPI: '373132' }],
    ['Size', { Size: '10' }],
  ])('when %s is wrong, then it is refused with 400.002.02', async (field, overrides) => {
    const refused = await generate(qrBody(overrides));
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({
      errorCode: '400.002.02',
      errorMessage: `Bad Request - Invalid ${field}`,
    });
  });
});
