// Never wrong about a payment: a failure we decided ourselves yields to Daraja's later success
// or reason, a receipt that arrives after an STK Query settled the payment is kept and
// announced, an unknown amount reads as unknown, and whatever bytes Safaricom sends are
// stored as sent and applied. Runs on SQLite, and on PostgreSQL with TEST_DATABASE_URL.
import { startTestServer, type TestServer } from '../helpers/server';
import { initiateBody, merchantFor, type MerchantRequest } from '../helpers/merchant';
import { failureCallback, postCallback, successCallback } from '../helpers/callbacks';
import { sendRaw } from '../helpers/http-edges';
import { eventually } from '../helpers/realtime';
import { callbackRecords, statusChanges } from '../helpers/rows';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver';

const REFUSED_PHONE = '0700000008'; // the simulator refuses the push: unable to lock subscriber
const SILENT_PHONE = '0700000005'; // success, never called back: only STK Query knows
const LATE_PHONE = '0700000007'; // success, called back after SIMULATOR_LATE_CALLBACK_MS

let server: TestServer;
let merchant: MerchantRequest;
let hooks: WebhookReceiver;

beforeAll(async () => {
  // Queries settle a payment ~200 ms after initiate; the late callback comes at 1.5 s.
  server = await startTestServer({
    RECONCILE_AFTER: '200ms',
    RECONCILE_EXPIRE_AFTER: '30s',
    RECONCILE_INTERVAL_MS: '50',
    RECONCILE_QUERIES_PER_SECOND: '50',
    SIMULATOR_LATE_CALLBACK_MS: '1500',
    WEBHOOK_POLL_INTERVAL_MS: '50',
  });
  merchant = await merchantFor(server);
  hooks = await startWebhookReceiver();
  await merchant({ method: 'POST', path: '/api/v1/webhook-endpoints', body: { url: hooks.url } });
});
afterAll(async () => {
  await hooks.close();
  await server.close();
});

const initiate = (body: Record<string, unknown>) =>
  merchant({ method: 'POST', path: '/api/v1/transactions/initiate', body: initiateBody(body) });
const get = async (id: string) =>
  (await merchant({ method: 'GET', path: `/api/v1/transactions/${id}` })).data.transaction;
const until = (id: string, done: (transaction: Record<string, unknown>) => boolean) =>
  eventually(() => get(id), done, 10_000);
const eventsFor = (id: string) =>
  hooks.received
    .map(
      (delivery) =>
        JSON.parse(delivery.body) as { type: string; data: { transaction: Record<string, unknown> } },
    )
    .filter((event) => event.data.transaction?.id === id);

describe('when we failed a push ourselves and Daraja later reports the payment as paid', () => {
  it('then the success wins: completed, with the receipt, recorded and announced', async () => {
    const refused = await initiate({ phone: REFUSED_PHONE, amount: 40 });
    expect(refused.status).toBe(409);
    const id = refused.data.error.details.transactionId as string;
    expect(await get(id)).toMatchObject({ status: 'failed', failure: { code: 'mpesa_subscriber_busy' } });

    const answer = await postCallback(
      server.url,
      server.callbackPath(id),
      successCallback('ws_CO_AFTER_REFUSAL', 40, 'UKM1RFSD01'),
    );
    expect(answer.data).toEqual({ ResultCode: 0, ResultDesc: 'Accepted' });
    expect(await get(id)).toMatchObject({
      status: 'completed',
      mpesaReceiptNumber: 'UKM1RFSD01',
      amountPaid: 40,
      amountVerified: true,
      failure: null,
    });
    const changes = await statusChanges(server.database(), id);
    expect(changes.map((change) => [change.fromStatus, change.toStatus, change.source])).toEqual([
      [null, 'pending', 'initiate'],
      ['pending', 'failed', 'push_refused'],
      ['failed', 'completed', 'callback'],
    ]);
    await eventually(
      async () => eventsFor(id).map((event) => event.type),
      (types) => types.includes('transaction.completed'),
    );
  });
});

describe('when STK Query settles a payment first and its callback arrives later', () => {
  it('then the callback adds the receipt, amount and date without changing the state, and a transaction.updated event says so', async () => {
    const started = await initiate({ phone: LATE_PHONE, amount: 70 });
    expect(started.status).toBe(201);
    const id = started.data.transaction.id as string;

    const byQuery = await until(id, (transaction) => transaction.status !== 'pending');
    // The query's answer has no amount: unknown, not "fine".
    expect(byQuery).toMatchObject({
      status: 'completed',
      mpesaReceiptNumber: null,
      amountPaid: null,
      amountVerified: false,
      amountMismatch: false,
    });

    const enriched = await until(id, (transaction) => transaction.mpesaReceiptNumber !== null);
    expect(enriched).toMatchObject({
      status: 'completed',
      amountPaid: 70,
      amountVerified: true,
      amountMismatch: false,
      settledAt: byQuery.settledAt,
    });
    expect(enriched.mpesaReceiptNumber).toMatch(/^[A-Z0-9]{10}$/);

    const changes = await statusChanges(server.database(), id);
    expect(changes.map((change) => [change.fromStatus, change.toStatus, change.source])).toEqual([
      [null, 'pending', 'initiate'],
      ['pending', 'completed', 'stk_query'],
      ['completed', 'completed', 'callback'],
    ]);
    expect(
      (await callbackRecords(server.database(), { transactionId: id })).map((record) => record.outcome),
    ).toEqual(['enriched']);
    const announced = await eventually(
      async () => eventsFor(id),
      (events) => events.length === 2,
    );
    expect(announced.map((event) => event.type)).toEqual(['transaction.completed', 'transaction.updated']);
    expect(announced[1]!.data.transaction).toMatchObject({
      status: 'completed',
      mpesaReceiptNumber: enriched.mpesaReceiptNumber,
      amountPaid: 70,
    });
  });
});

describe('when a success callback carries no Amount', () => {
  it('then the amount paid reads as unknown: null, neither verified nor a mismatch', async () => {
    const started = await initiate({ phone: SILENT_PHONE, amount: 30 });
    const { id, checkoutRequestId } = started.data.transaction;
    const body = successCallback(checkoutRequestId, 30, 'UKM1NOAMT1');
    body.Body.stkCallback.CallbackMetadata.Item = body.Body.stkCallback.CallbackMetadata.Item.filter(
      (item) => item.Name !== 'Amount',
    );
    await postCallback(server.url, server.callbackPath(id), body);
    expect(await get(id)).toMatchObject({
      status: 'completed',
      mpesaReceiptNumber: 'UKM1NOAMT1',
      amountPaid: null,
      amountVerified: false,
      amountMismatch: false,
    });
  });
});

describe('when Daraja sends text that PostgreSQL cannot store, or bytes that are not UTF-8', () => {
  it('then the callback is acknowledged, its bytes are kept exactly, and the payment is applied', async () => {
    const started = await initiate({ phone: SILENT_PHONE, amount: 25 });
    const { id, checkoutRequestId } = started.data.transaction;
    const json = JSON.stringify(successCallback(checkoutRequestId, 25, 'RCPT'))
      .replace('"RCPT"', '"\\ud800RC\\u0000PT"')
      .replace('"The service request is processed successfully."', '"done \\u0000 \\udfff"');
    // A stray 0xFF byte in an unused field: the body is still JSON, the bytes are not UTF-8.
    const raw = Buffer.concat([
      Buffer.from(json.slice(0, -1)),
      Buffer.from(',"Note":"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}'),
    ]);
    const answer = await sendRaw({
      method: 'POST',
      url: `${server.url}${server.callbackPath(id)}`,
      body: raw,
    });
    expect(answer.status).toBe(200);
    expect(answer.data).toEqual({ ResultCode: 0, ResultDesc: 'Accepted' });

    expect(await get(id)).toMatchObject({
      status: 'completed',
      mpesaReceiptNumber: '\uFFFDRC\uFFFDPT',
      amountPaid: 25,
    });
    const [record] = await callbackRecords(server.database(), { transactionId: id });
    expect(record).toMatchObject({ outcome: 'applied', processedAt: expect.any(Date) });
    expect(Buffer.compare(record!.rawBody, raw)).toBe(0);
  });
});

describe('when we expired a payment and Daraja answers afterwards', () => {
  let late: TestServer;
  let lateMerchant: MerchantRequest;
  beforeAll(async () => {
    // Queries answer "still processing" (the simulator's callback is an hour away), so the
    // payment expires after 600 ms.
    late = await startTestServer({
      RECONCILE_AFTER: '100ms',
      RECONCILE_EXPIRE_AFTER: '600ms',
      RECONCILE_INTERVAL_MS: '50',
      RECONCILE_QUERIES_PER_SECOND: '50',
      SIMULATOR_CALLBACK_DELAY_MS: '3600000',
    });
    lateMerchant = await merchantFor(late);
  });
  afterAll(() => late.close());

  async function expiredPayment() {
    const started = await lateMerchant({
      method: 'POST',
      path: '/api/v1/transactions/initiate',
      body: initiateBody(),
    });
    const { id, checkoutRequestId } = started.data.transaction as { id: string; checkoutRequestId: string };
    const expired = await eventually(
      async () =>
        (await lateMerchant({ method: 'GET', path: `/api/v1/transactions/${id}` })).data.transaction,
      (transaction) => transaction.status !== 'pending',
      10_000,
    );
    expect(expired).toMatchObject({ status: 'expired', failure: { code: 'no_answer' } });
    return { id, checkoutRequestId };
  }
  const lateGet = async (id: string) =>
    (await lateMerchant({ method: 'GET', path: `/api/v1/transactions/${id}` })).data.transaction;

  it("then a late cancel replaces our guess: cancelled, with the customer's reason", async () => {
    const { id, checkoutRequestId } = await expiredPayment();
    await postCallback(
      late.url,
      late.callbackPath(id),
      failureCallback(checkoutRequestId, 1032, 'Request cancelled by user'),
    );
    expect(await lateGet(id)).toMatchObject({
      status: 'cancelled',
      failure: { code: 'cancelled_by_customer', resultCode: '1032' },
    });
    expect(
      (await statusChanges(late.database(), id)).map(
        (change) => `${change.fromStatus}->${change.toStatus}:${change.source}`,
      ),
    ).toEqual(['null->pending:initiate', 'pending->expired:expiry', 'expired->cancelled:callback']);
  });

  it("then Daraja's own expiry (1019) is recorded with its reason, and the state stays expired", async () => {
    const { id, checkoutRequestId } = await expiredPayment();
    await postCallback(
      late.url,
      late.callbackPath(id),
      failureCallback(checkoutRequestId, 1019, 'Transaction has expired'),
    );
    expect(await lateGet(id)).toMatchObject({
      status: 'expired',
      failure: { code: 'prompt_expired', resultCode: '1019', resultDesc: 'Transaction has expired' },
    });
    const changes = await statusChanges(late.database(), id);
    expect(changes.at(-1)).toMatchObject({
      fromStatus: 'expired',
      toStatus: 'expired',
      source: 'callback',
      resultCode: '1019',
    });
  });

  it('then a late insufficient-funds answer (1) replaces our guess: failed, with the reason', async () => {
    const { id, checkoutRequestId } = await expiredPayment();
    await postCallback(
      late.url,
      late.callbackPath(id),
      failureCallback(checkoutRequestId, 1, 'The balance is insufficient for the transaction.'),
    );
    expect(await lateGet(id)).toMatchObject({
      status: 'failed',
      failure: { code: 'insufficient_funds', resultCode: '1' },
    });
    const changes = await statusChanges(late.database(), id);
    expect(changes.at(-1)).toMatchObject({
      fromStatus: 'expired',
      toStatus: 'failed',
      source: 'callback',
      resultCode: '1',
    });
  });
});
