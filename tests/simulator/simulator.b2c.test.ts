// The standalone simulator's B2C (v3 and v1) over real HTTP, as Daraja's Business to Customer
// page documents it (docs/daraja.md §7 "Payouts (B2C)"): the acknowledgement, the duplicate
// refusal, the Result POSTed once, the Utility balance, the initiator's credential, and
// Transaction Status by OriginalConversationID.
import { parseCertificate } from '../../src/core/certificate';
import { encryptSecurityCredential } from '../../src/mpesa/mpesa.security-credential';
import { staticDirectory } from '../../src/simulator/simulator.directory';
import { phoneForB2cOutcome } from '../../src/simulator/simulator.b2c-outcomes';
import {
  CONSUMER_KEY,
  CONSUMER_SECRET,
  PASSKEY,
  SHORTCODE,
  startHarness,
  type Harness,
} from './simulator.harness';

const INITIATOR = { name: 'testapi', password: 'B2c-Initiator#1' };
// Locked by its test, until the simulator restarts: kept apart from the one the others use.
const LOCKED = { name: 'lockme', password: 'B2c-Initiator#2' };

let harness: Harness;
let token: string;
let credentialFor: (password: string) => string;
beforeAll(async () => {
  harness = await startHarness({
    directory: staticDirectory([{ consumerKey: CONSUMER_KEY, consumerSecret: CONSUMER_SECRET }], {
      [SHORTCODE]: { passkey: PASSKEY, tills: [], initiators: [INITIATOR, LOCKED] },
    }),
  });
  token = await harness.fetchToken();
  const certificate = parseCertificate((await harness.get('/__simulator/certificate')).text);
  credentialFor = (password) => encryptSecurityCredential(password, certificate);
});
afterAll(() => harness.close());

const auth = () => ({ Authorization: `Bearer ${token}` });
let sequence = 0;
const b2cBody = (overrides: Record<string, unknown> = {}) => ({
  OriginatorConversationID: `po_test_${Date.now()}_${(sequence += 1)}`,
  InitiatorName: INITIATOR.name,
  SecurityCredential: credentialFor(INITIATOR.password),
  CommandID: 'BusinessPayment',
  Amount: '10',
  PartyA: SHORTCODE,
  PartyB: '254708374149',
  Remarks: 'remarked',
  QueueTimeOutURL: harness.callbackUrl,
  ResultURL: harness.callbackUrl,
  Occassion: 'ChristmasPay',
  ...overrides,
});

type Result = {
  Result: {
    ResultType: unknown;
    ResultCode: unknown;
    OriginatorConversationID: string;
    ConversationID: string;
    TransactionID: string;
    ResultParameters?: { ResultParameter: Array<{ Key: string; Value?: unknown }> };
  };
};

async function resultFor(
  field: 'OriginatorConversationID' | 'ConversationID',
  value: string,
): Promise<Result> {
  const deadline = Date.now() + 3000;
  for (;;) {
    const found = harness.callbacks.find(
      (callback) => (callback.body as unknown as Result).Result?.[field] === value,
    );
    if (found) return found.body as unknown as Result;
    if (Date.now() > deadline) throw new Error(`no Result for ${value}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const setUtility = (utility: number) =>
  fetch(`${harness.baseUrl}/__simulator/balances?shortcode=${SHORTCODE}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ utility }),
  });

const balance = async () =>
  (await harness.get(`/__simulator/balances?shortcode=${SHORTCODE}`)).json as { utility: number };

describe('POST /mpesa/b2c/v3/paymentrequest', () => {
  it('when a payout is asked, then it is accepted at once, the Utility account pays it, and the Result carries the receipt and balances', async () => {
    const before = await balance();
    const body = b2cBody({ Amount: 250 });
    const answer = await harness.post('/mpesa/b2c/v3/paymentrequest', body, auth());
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      ConversationID: expect.stringMatching(/^AG_\d{8}_[0-9a-f]{20}$/),
      OriginatorConversationID: body.OriginatorConversationID,
      ResponseCode: '0',
      ResponseDescription: 'Accept the service request successfully.',
    });
    const { Result } = await resultFor('OriginatorConversationID', body.OriginatorConversationID);
    expect(Result).toMatchObject({
      ResultType: 0,
      ResultCode: 0,
      ConversationID: answer.json.ConversationID,
    });
    const parameters = Result.ResultParameters!.ResultParameter;
    const receipt = parameters.find((item) => item.Key === 'TransactionReceipt')!.Value;
    expect(Result.TransactionID).toBe(receipt);
    expect(parameters).toContainEqual({ Key: 'TransactionAmount', Value: 250 });
    expect(parameters).toContainEqual({
      Key: 'B2CUtilityAccountAvailableFunds',
      Value: before.utility - 250,
    });
    expect((await balance()).utility).toBe(before.utility - 250);
  });

  it('when the same OriginatorConversationID comes again, then Daraja refuses it: 500 500.002.1001, nothing paid twice', async () => {
    const body = b2cBody();
    expect((await harness.post('/mpesa/b2c/v3/paymentrequest', body, auth())).status).toBe(200);
    const before = await balance();
    const again = await harness.post('/mpesa/b2c/v3/paymentrequest', { ...body, Amount: 99 }, auth());
    expect(again.status).toBe(500);
    expect(again.json).toEqual({
      requestId: expect.any(String),
      errorCode: '500.002.1001',
      errorMessage: 'Duplicate OriginatorConversationID.',
    });
    expect((await balance()).utility).toBe(before.utility);
  });

  it.each([
    ['PartyB', { PartyB: '254201234567' }],
    ['Amount', { Amount: 'ten' }],
    ['CommandID', { CommandID: 'Withdrawal' }],
    ['Remarks', { Remarks: 'x' }],
    ['OriginatorConversationID', { OriginatorConversationID: '' }],
  ])('when %s is wrong, then 400.002.02 names it', async (field, overrides) => {
    const answer = await harness.post('/mpesa/b2c/v3/paymentrequest', b2cBody(overrides), auth());
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({
      errorCode: '400.002.02',
      errorMessage: `Bad Request - Invalid ${field}`,
    });
  });

  it('when the SecurityCredential is not the initiator password under the simulator certificate, then the Result is 2001; three in a row lock it, 8006', async () => {
    const codes: unknown[] = [];
    for (let i = 0; i < 4; i += 1) {
      const body = b2cBody({
        InitiatorName: LOCKED.name,
        SecurityCredential: credentialFor(i < 3 ? 'not-the-password' : LOCKED.password),
      });
      expect((await harness.post('/mpesa/b2c/v3/paymentrequest', body, auth())).status).toBe(200);
      codes.push(
        (await resultFor('OriginatorConversationID', body.OriginatorConversationID)).Result.ResultCode,
      );
    }
    // Locked: even the right password is refused now.
    expect(codes).toEqual([2001, 2001, 2001, 8006]);
  });

  it('when the Utility account holds less than the payout, then the Result is 1 and nothing is taken', async () => {
    await setUtility(5);
    const body = b2cBody({ Amount: 10 });
    await harness.post('/mpesa/b2c/v3/paymentrequest', body, auth());
    const { Result } = await resultFor('OriginatorConversationID', body.OriginatorConversationID);
    expect(Result.ResultCode).toBe(1);
    expect(Result.ResultParameters).toBeUndefined();
    expect(Result.TransactionID).toMatch(/^[A-Z0-9]{3}0{7}$/);
    expect((await balance()).utility).toBe(5);
    await setUtility(1_000_000);
  });

  it('when the phone plays a result drift, then ResultCode and ResultType are strings and ResultParameter one object', async () => {
    const body = b2cBody({ PartyB: phoneForB2cOutcome('payout-result-drift') });
    await harness.post('/mpesa/b2c/v3/paymentrequest', body, auth());
    const { Result } = await resultFor('OriginatorConversationID', body.OriginatorConversationID);
    expect(Result).toMatchObject({ ResultType: '0', ResultCode: '0' });
    expect(Array.isArray(Result.ResultParameters!.ResultParameter)).toBe(false);
  });
});

describe('POST /mpesa/b2c/v1/paymentrequest', () => {
  it('when the older v1 is asked without an OriginatorConversationID, then Daraja makes one up, and two identical requests are two payouts', async () => {
    const { OriginatorConversationID: _unused, Occassion: _spelt, ...v1 } = b2cBody();
    const body = { ...v1, Occasion: 'ChristmasPay' };
    const first = await harness.post('/mpesa/b2c/v1/paymentrequest', body, auth());
    const second = await harness.post('/mpesa/b2c/v1/paymentrequest', body, auth());
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(first.json.OriginatorConversationID).toMatch(/^\d{5}-\d{8}-1$/);
    expect(second.json.OriginatorConversationID).not.toBe(first.json.OriginatorConversationID);
  });
});

describe('POST /mpesa/transactionstatus/v1/query by OriginalConversationID', () => {
  const ask = (originalConversationId: string) =>
    harness.post(
      '/mpesa/transactionstatus/v1/query',
      {
        Initiator: INITIATOR.name,
        SecurityCredential: credentialFor(INITIATOR.password),
        CommandID: 'TransactionStatusQuery',
        OriginalConversationID: originalConversationId,
        PartyA: SHORTCODE,
        IdentifierType: '4',
        ResultURL: harness.callbackUrl,
        QueueTimeOutURL: harness.callbackUrl,
        Remarks: 'Payout status',
      },
      auth(),
    );

  it('when a payout whose Result was lost is asked about, then the Result reports it Completed with its receipt', async () => {
    const body = b2cBody({ PartyB: phoneForB2cOutcome('payout-result-lost') });
    await harness.post('/mpesa/b2c/v3/paymentrequest', body, auth());
    await new Promise((resolve) => setTimeout(resolve, 100));
    const asked = await ask(body.OriginatorConversationID);
    expect(asked.json.ResponseCode).toBe('0');
    const { Result } = await resultFor('ConversationID', String(asked.json.ConversationID));
    expect(Result.ResultCode).toBe(0);
    expect(Result.ResultParameters!.ResultParameter).toEqual(
      expect.arrayContaining([
        { Key: 'OriginatorConversationID', Value: body.OriginatorConversationID },
        { Key: 'TransactionStatus', Value: 'Completed' },
        { Key: 'Amount', Value: '10' },
      ]),
    );
    expect(
      harness.callbacks.filter((callback) =>
        JSON.stringify(callback.body).includes(body.OriginatorConversationID),
      ),
    ).toHaveLength(1);
  });

  it('when the payout was never received, then the Result is 2032', async () => {
    const asked = await ask('po_never_sent');
    const { Result } = await resultFor('ConversationID', String(asked.json.ConversationID));
    expect(Result.ResultCode).toBe(2032);
  });
});
