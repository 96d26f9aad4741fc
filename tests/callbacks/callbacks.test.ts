// Safaricom's STK callbacks at /api/v1/callbacks/stk/<id>/<token> (and the older /mpesa/ path). Only allowlisted source
// addresses get in; whatever an allowed source sends is stored and acknowledged, even when it
// cannot be applied; Safaricom's payloads are read leniently; callbacks are never rate-limited.
import { randomBytes } from 'node:crypto';
import { startTestServer, type TestServer } from '../helpers/server';
import { initiateBody, type MerchantRequest, merchantFor } from '../helpers/merchant';
import { expectError, sendRaw } from '../helpers/http-edges';
import { callbackRecords, countRows } from '../helpers/rows';
import { createKeyring } from '../../src/security/vault';
import { createTransactionSecrets } from '../../src/security/transaction-secrets';

const SAFARICOM_IP = '196.201.214.200';
const ACKNOWLEDGED = { ResultCode: 0, ResultDesc: 'Accepted' };
const NO_CALLBACK_PHONE = '254700000005'; // the simulator never posts a callback for it
const RATE_LIMIT_MAX = 2;

interface Harness {
  server: TestServer;
  merchant: MerchantRequest;
  callbackUrl(transactionId: string, token?: string): string;
}

async function startHarness(overrides: Record<string, string>): Promise<Harness> {
  const masterKey = randomBytes(32).toString('hex');
  const server = await startTestServer({
    MASTER_KEY: masterKey,
    CALLBACK_ALLOWED_IPS: SAFARICOM_IP,
    ...overrides,
  });
  const secrets = createTransactionSecrets(createKeyring(Buffer.from(masterKey, 'hex')));
  return {
    server,
    merchant: await merchantFor(server),
    callbackUrl: (id, token = secrets.callbackToken(id)) =>
      `${server.url}/api/v1/callbacks/stk/${id}/${token}`,
  };
}

interface PendingPayment {
  id: string;
  amount: number;
  checkoutRequestId: string;
  merchantRequestId: string;
}

async function pendingPayment({ merchant }: Harness, amount = 120): Promise<PendingPayment> {
  const response = await merchant({
    method: 'POST',
    path: '/api/v1/transactions/initiate',
    body: initiateBody({ phone: NO_CALLBACK_PHONE, amount }),
  });
  expect(response.status).toBe(201);
  return response.data.transaction as PendingPayment;
}

const statusOf = async ({ merchant }: Harness, id: string) =>
  (await merchant({ method: 'GET', path: `/api/v1/transactions/${id}` })).data.transaction as Record<
    string,
    unknown
  >;

type Item = { Name: string; Value?: unknown };

/** A success callback as Safaricom posts it; `items` and `resultCode` override the usual ones. */
function successCallback(
  payment: PendingPayment,
  receipt: string,
  overrides: { resultCode?: unknown; items?: Item[] } = {},
) {
  const items: Item[] = overrides.items ?? [
    { Name: 'Amount', Value: payment.amount },
    { Name: 'MpesaReceiptNumber', Value: receipt },
    { Name: 'TransactionDate', Value: 20260115102030 },
    { Name: 'PhoneNumber', Value: 254700000005 },
  ];
  return {
    Body: {
      stkCallback: {
        MerchantRequestID: payment.merchantRequestId,
        CheckoutRequestID: payment.checkoutRequestId,
        ResultCode: overrides.resultCode ?? 0,
        ResultDesc: 'The service request is processed successfully.',
        CallbackMetadata: { Item: items },
      },
    },
  };
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  sendRaw({ method: 'POST', url, body: typeof body === 'string' ? body : JSON.stringify(body), headers });
const fromSafaricom = { 'X-Forwarded-For': SAFARICOM_IP };

describe('when the service does not trust a proxy and only Safaricom may call back', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({});
  });
  afterAll(() => h.server.close());

  it('then a callback from loopback is 403 callback_source_forbidden and changes nothing', async () => {
    const payment = await pendingPayment(h);
    const response = await post(h.callbackUrl(payment.id), successCallback(payment, 'TST0000001'));
    expectError(response, 403, 'callback_source_forbidden');

    expect(await statusOf(h, payment.id)).toMatchObject({ status: 'pending', mpesaReceiptNumber: null });
    const db = h.server.database();
    expect(await countRows(db, 'CallbackRecord')).toBe(0);
  });

  it('then a loopback caller claiming Safaricom in X-Forwarded-For is still refused', async () => {
    const payment = await pendingPayment(h);
    const response = await post(
      h.callbackUrl(payment.id),
      successCallback(payment, 'TST0000002'),
      fromSafaricom,
    );
    expectError(response, 403, 'callback_source_forbidden');
    expect((await statusOf(h, payment.id)).status).toBe('pending');
    const db = h.server.database();
    expect(await countRows(db, 'CallbackRecord')).toBe(0);
  });
});

describe('when the service sits behind one trusted proxy', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ TRUST_PROXY: '1' });
  });
  afterAll(() => h.server.close());

  it("then a callback forwarded for Safaricom's address is believed, acknowledged and applied", async () => {
    const payment = await pendingPayment(h);
    const response = await post(
      h.callbackUrl(payment.id),
      successCallback(payment, 'TST0000003'),
      fromSafaricom,
    );
    expect(response.status).toBe(200);
    expect(response.data).toEqual(ACKNOWLEDGED);
    expect(await statusOf(h, payment.id)).toMatchObject({
      status: 'completed',
      mpesaReceiptNumber: 'TST0000003',
      amountPaid: payment.amount,
    });
    const db = h.server.database();
    const records = await callbackRecords(db, { transactionId: payment.id });
    expect(records).toEqual([expect.objectContaining({ outcome: 'applied', sourceIp: SAFARICOM_IP })]);
  });

  it('then the CallBackURL sent to Daraja names none of the words Safaricom asks callback URLs to avoid', async () => {
    const payment = await pendingPayment(h);
    const url = new URL(h.callbackUrl(payment.id));
    expect(url.pathname.startsWith('/api/v1/callbacks/stk/')).toBe(true);
    expect(url.pathname).not.toMatch(/m-?pesa|safaricom|exe|cmd|sql|query/i);
  });

  it('then a callback to the path earlier versions sent (/api/v1/callbacks/mpesa/…) is applied too', async () => {
    const payment = await pendingPayment(h);
    const legacy = h.callbackUrl(payment.id).replace('/api/v1/callbacks/stk/', '/api/v1/callbacks/mpesa/');
    const response = await post(legacy, successCallback(payment, 'TST0000013'), fromSafaricom);
    expect(response.data).toEqual(ACKNOWLEDGED);
    expect(await statusOf(h, payment.id)).toMatchObject({
      status: 'completed',
      mpesaReceiptNumber: 'TST0000013',
    });
  });

  it('then a callback forwarded for any other address is refused', async () => {
    const payment = await pendingPayment(h);
    const response = await post(h.callbackUrl(payment.id), successCallback(payment, 'TST0000004'), {
      'X-Forwarded-For': '203.0.113.9',
    });
    expectError(response, 403, 'callback_source_forbidden');
    expect((await statusOf(h, payment.id)).status).toBe('pending');
  });

  it('then a wrong token is acknowledged, stored as an orphan, and the payment is unchanged', async () => {
    const payment = await pendingPayment(h);
    const response = await post(
      h.callbackUrl(payment.id, 'not-the-token'),
      successCallback(payment, 'TST0000005'),
      fromSafaricom,
    );
    expect(response.status).toBe(200);
    expect(response.data).toEqual(ACKNOWLEDGED);
    expect(await statusOf(h, payment.id)).toMatchObject({ status: 'pending', mpesaReceiptNumber: null });
    const db = h.server.database();
    const records = await callbackRecords(db, { checkoutRequestId: payment.checkoutRequestId });
    expect(records).toEqual([expect.objectContaining({ transactionId: null, outcome: 'orphan' })]);
  });

  it("then a valid token with another payment's CheckoutRequestID is stored as an orphan", async () => {
    const target = await pendingPayment(h);
    const other = await pendingPayment(h);
    const forged = successCallback({ ...target, checkoutRequestId: other.checkoutRequestId }, 'TST0000006');
    const response = await post(h.callbackUrl(target.id), forged, fromSafaricom);
    expect(response.data).toEqual(ACKNOWLEDGED);
    expect((await statusOf(h, target.id)).status).toBe('pending');
    expect((await statusOf(h, other.id)).status).toBe('pending');
    const db = h.server.database();
    expect(await callbackRecords(db, { transactionId: target.id })).toEqual([
      expect.objectContaining({ outcome: 'orphan' }),
    ]);
  });

  it('then a body that is not JSON is acknowledged and stored as it came, as unreadable', async () => {
    const payment = await pendingPayment(h);
    const rawBody = `<html>gateway hiccup ${payment.id}</html>`;
    const response = await post(h.callbackUrl(payment.id), rawBody, {
      ...fromSafaricom,
      'Content-Type': 'text/plain',
    });
    expect(response.status).toBe(200);
    expect(response.data).toEqual(ACKNOWLEDGED);
    expect((await statusOf(h, payment.id)).status).toBe('pending');
    const db = h.server.database();
    expect(await callbackRecords(db, { transactionId: payment.id })).toEqual([
      expect.objectContaining({ outcome: 'unreadable', rawBody: Buffer.from(rawBody) }),
    ]);
  });

  it('then a string ResultCode, a Balance without Value and reordered items still complete the payment', async () => {
    const payment = await pendingPayment(h, 250);
    const lenient = successCallback(payment, 'TST0000007', {
      resultCode: '0',
      items: [
        { Name: 'PhoneNumber', Value: 254700000005 },
        { Name: 'Balance' },
        { Name: 'TransactionDate', Value: 20260115102030 },
        { Name: 'MpesaReceiptNumber', Value: 'TST0000007' },
        { Name: 'Amount', Value: 250 },
      ],
    });
    const response = await post(h.callbackUrl(payment.id), lenient, fromSafaricom);
    expect(response.data).toEqual(ACKNOWLEDGED);
    expect(await statusOf(h, payment.id)).toMatchObject({
      status: 'completed',
      mpesaReceiptNumber: 'TST0000007',
      amountPaid: 250,
      amountMismatch: false,
      failure: null,
    });
  });
});

describe('when callbacks arrive faster than RATE_LIMIT_MAX allows merchant calls', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ TRUST_PROXY: '1', RATE_LIMIT_MAX: String(RATE_LIMIT_MAX) });
  });
  afterAll(() => h.server.close());

  it('then every callback is still acknowledged and stored', async () => {
    const payment = await pendingPayment(h);
    // Use up the merchant budget, to show the limiter is on for the signed API.
    for (let i = 1; i < RATE_LIMIT_MAX; i += 1) await statusOf(h, payment.id);
    expect((await h.merchant({ method: 'GET', path: '/api/v1/transactions' })).status).toBe(429);

    const count = RATE_LIMIT_MAX + 4;
    const answers = [];
    for (let i = 0; i < count; i += 1) {
      answers.push(
        await post(h.callbackUrl(payment.id), successCallback(payment, 'TST0000008'), fromSafaricom),
      );
    }
    expect(answers.map((answer) => answer.status)).toEqual(Array(count).fill(200));
    const db = h.server.database();
    const records = await callbackRecords(db, { transactionId: payment.id });
    expect(records.map((record) => record.outcome)).toEqual([
      'applied',
      ...Array(count - 1).fill('duplicate'),
    ]);
  });
});
