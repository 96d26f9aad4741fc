// The simulator's Reversal and Account Balance over real HTTP, as Daraja's pages document them
// (docs/daraja.md §7 "Reversal", "Account Balance"): the acknowledgement, the Result POSTed once,
// R000001 for a receipt already reversed, R000002 for one the shortcode never received, the
// initiator's credential checked as for B2C, and the balances in Daraja's `&`/`|` string.
import { parseCertificate } from '../../src/core/certificate';
import { encryptSecurityCredential } from '../../src/mpesa/mpesa.security-credential';
import { staticDirectory } from '../../src/simulator/simulator.directory';
import {
  CONSUMER_KEY,
  CONSUMER_SECRET,
  PASSKEY,
  SHORTCODE,
  itemValue,
  startHarness,
  stkPushBody,
  type Harness,
} from './simulator.harness';

const INITIATOR = { name: 'testapi', password: 'Rev-Initiator#1' };

let harness: Harness;
let token: string;
let credentialFor: (password: string) => string;
beforeAll(async () => {
  harness = await startHarness({
    directory: staticDirectory([{ consumerKey: CONSUMER_KEY, consumerSecret: CONSUMER_SECRET }], {
      [SHORTCODE]: { passkey: PASSKEY, tills: [], initiators: [INITIATOR] },
      '600999': { passkey: PASSKEY, tills: [], initiators: [INITIATOR] },
    }),
  });
  token = await harness.fetchToken();
  const certificate = parseCertificate((await harness.get('/__simulator/certificate')).text);
  credentialFor = (password) => encryptSecurityCredential(password, certificate);
});
afterAll(() => harness.close());

const conversationOf = (answer: { json: unknown }) => (answer.json as Record<string, string>).ConversationID!;
const auth = () => ({ Authorization: `Bearer ${token}` });
type Result = {
  Result: {
    ResultCode: unknown;
    ResultDesc: string;
    ConversationID: string;
    TransactionID: string;
    ResultParameters?: { ResultParameter: Array<{ Key: string; Value?: unknown }> };
  };
};

async function resultFor(conversationId: string): Promise<Result> {
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

/** A completed STK payment of `amount` to SHORTCODE: its receipt. */
async function paidReceipt(amount: number): Promise<string> {
  const pushed = await harness.post(
    '/mpesa/stkpush/v1/processrequest',
    stkPushBody(harness.callbackUrl, { Amount: amount }),
    auth(),
  );
  expect(pushed.status).toBe(200);
  const deadline = Date.now() + 3000;
  for (;;) {
    const callback = harness.callbacks.find(
      (received) =>
        received.body.Body?.stkCallback?.CheckoutRequestID ===
        (pushed.json as Record<string, string>).CheckoutRequestID,
    );
    if (callback) return itemValue(callback, 'MpesaReceiptNumber') as string;
    if (Date.now() > deadline) throw new Error('no STK callback');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const reversalBody = (receipt: string, amount: number, overrides: Record<string, unknown> = {}) => ({
  Initiator: INITIATOR.name,
  SecurityCredential: credentialFor(INITIATOR.password),
  CommandID: 'TransactionReversal',
  TransactionID: receipt,
  Amount: String(amount),
  ReceiverParty: SHORTCODE,
  RecieverIdentifierType: '11',
  ResultURL: harness.callbackUrl,
  QueueTimeOutURL: harness.callbackUrl,
  Remarks: 'Refund',
  Occasion: 'Returned goods',
  ...overrides,
});

describe('POST /mpesa/reversal/v1/request', () => {
  it('when a received payment is reversed, then it is accepted at once and the Result carries the reversal receipt; a second reversal gets R000001', async () => {
    const receipt = await paidReceipt(120);
    const answer = await harness.post('/mpesa/reversal/v1/request', reversalBody(receipt, 120), auth());
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ ResponseCode: '0', ConversationID: expect.stringMatching(/^AG_/) });
    const { Result } = await resultFor(conversationOf(answer));
    expect(Result.ResultCode).toBe(0);
    expect(Result.TransactionID).toMatch(/^[A-Z0-9]{10}$/);
    expect(Result.TransactionID).not.toBe(receipt);
    const parameters = Result.ResultParameters!.ResultParameter;
    expect(parameters).toContainEqual({ Key: 'OriginalTransactionID', Value: receipt });
    expect(parameters).toContainEqual({ Key: 'Amount', Value: 120 });

    const again = await harness.post('/mpesa/reversal/v1/request', reversalBody(receipt, 120), auth());
    expect(again.status).toBe(200);
    const second = (await resultFor(conversationOf(again))).Result;
    expect(second).toMatchObject({
      ResultCode: 'R000001',
      ResultDesc: 'The transaction has already been reversed.',
    });
    expect(second.ResultParameters).toBeUndefined();
  });

  it('when the receipt is unknown or was paid to another shortcode, then the Result is R000002', async () => {
    const unknown = await harness.post('/mpesa/reversal/v1/request', reversalBody('UA11ZZZZZV', 10), auth());
    expect((await resultFor(conversationOf(unknown))).Result.ResultCode).toBe('R000002');
    const receipt = await paidReceipt(15);
    const elsewhere = await harness.post(
      '/mpesa/reversal/v1/request',
      reversalBody(receipt, 15, { ReceiverParty: '600999' }),
      auth(),
    );
    expect((await resultFor(conversationOf(elsewhere))).Result.ResultCode).toBe('R000002');
  });

  it('when the SecurityCredential is not the initiator password, then the Result is 2001, and nothing is reversed', async () => {
    const receipt = await paidReceipt(30);
    const wrong = await harness.post(
      '/mpesa/reversal/v1/request',
      reversalBody(receipt, 30, { SecurityCredential: credentialFor('not-the-password') }),
      auth(),
    );
    expect((await resultFor(conversationOf(wrong))).Result.ResultCode).toBe(2001);
    const right = await harness.post('/mpesa/reversal/v1/request', reversalBody(receipt, 30), auth());
    expect((await resultFor(conversationOf(right))).Result.ResultCode).toBe(0);
  });

  it.each([
    ['CommandID', { CommandID: 'Reversal' }],
    ['TransactionID', { TransactionID: 'short' }],
    ['RecieverIdentifierType', { RecieverIdentifierType: '1' }],
    ['Remarks', { Remarks: '' }],
  ])('when %s is wrong, then 400.002.02 names it', async (field, overrides) => {
    const answer = await harness.post(
      '/mpesa/reversal/v1/request',
      reversalBody('UA11ZZZZZV', 10, overrides),
      auth(),
    );
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({
      errorCode: '400.002.02',
      errorMessage: `Bad Request - Invalid ${field}`,
    });
  });
});

describe('POST /mpesa/accountbalance/v1/query', () => {
  it("when the balance is asked, then the Result's AccountBalance holds each account in Daraja's Name|Currency|… form with exact amounts", async () => {
    await fetch(`${harness.baseUrl}/__simulator/balances?shortcode=${SHORTCODE}`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ utility: 49217.05, working: 46713 }),
    });
    const answer = await harness.post(
      '/mpesa/accountbalance/v1/query',
      {
        Initiator: INITIATOR.name,
        SecurityCredential: credentialFor(INITIATOR.password),
        CommandID: 'AccountBalance',
        PartyA: SHORTCODE,
        IdentifierType: '4',
        Remarks: 'Balance',
        QueueTimeOutURL: harness.callbackUrl,
        ResultURL: harness.callbackUrl,
      },
      auth(),
    );
    expect(answer.status).toBe(200);
    expect(answer.json.ResponseCode).toBe('0');
    const { Result } = await resultFor(conversationOf(answer));
    expect(Result.ResultCode).toBe(0);
    const text = Result.ResultParameters!.ResultParameter.find(
      (item) => item.Key === 'AccountBalance',
    )!.Value;
    expect(text).toBe(
      'Working Account|KES|46713.00|46713.00|0.00|0.00&Float Account|KES|0.00|0.00|0.00|0.00&' +
        'Utility Account|KES|49217.05|49217.05|0.00|0.00&Charges Paid Account|KES|0.00|0.00|0.00|0.00&' +
        'Organization Settlement Account|KES|0.00|0.00|0.00|0.00',
    );
  });
});
