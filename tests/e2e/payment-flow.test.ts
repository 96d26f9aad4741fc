// End to end on a real port: signed API -> MpesaService -> simulator over HTTP -> callback
// -> database -> Socket.io room and status endpoint. Every log line of the run, at debug level,
// is kept and checked at the end for callback tokens and full phone numbers.
import { startTestServer, type TestServer } from '../helpers/server';
import { initiateBody, type MerchantRequest, merchantFor } from '../helpers/merchant';
import { connectSubscriber, eventually, type Subscriber } from '../helpers/realtime';
import { callbackRecords, statusChanges } from '../helpers/rows';

let server: TestServer;
let merchant: MerchantRequest;
const subscribers: Subscriber[] = [];
const logLines: string[] = [];
/** Every payment this file started: their callback URLs carry tokens that no log may hold. */
const started: string[] = [];

beforeAll(async () => {
  server = await startTestServer({}, { logLines });
  const signed = await merchantFor(server);
  merchant = async (req) => {
    const response = await signed(req);
    if (typeof response.data?.transaction?.id === 'string') started.push(response.data.transaction.id);
    return response;
  };
});
afterEach(() => subscribers.splice(0).forEach((subscriber) => subscriber.close()));
afterAll(() => server.close());

async function subscribeTo(transactionId: string, clientSecret: string) {
  const subscriber = await connectSubscriber(server.url);
  subscribers.push(subscriber);
  const answer = await subscriber.subscribe(transactionId, clientSecret);
  expect(answer).toEqual({ ok: true });
  return subscriber;
}

const getTransaction = (id: string) => merchant({ method: 'GET', path: `/api/v1/transactions/${id}` });

describe('when a customer pays', () => {
  it('then the subscribed client and the status endpoint both see it completed', async () => {
    const initiated = await merchant({
      method: 'POST',
      path: '/api/v1/transactions/initiate',
      body: initiateBody({ amount: 150 }),
    });
    expect(initiated.status).toBe(201);
    const { transaction, clientSecret } = initiated.data;
    expect(transaction).toMatchObject({
      status: 'pending',
      amount: 150,
      currency: 'KES',
      phone: '254712345678',
    });
    expect(transaction.checkoutRequestId).toMatch(/^ws_CO_\d+$/);
    expect(transaction.customerMessage).toBe('Success. Request accepted for processing');
    expect(clientSecret).toMatch(/^cs_/);

    const subscriber = await subscribeTo(transaction.id, clientSecret);
    const completed = await subscriber.waitForStatus('completed');
    expect(completed).toMatchObject({
      id: transaction.id,
      amount: 150,
      phone: '254712***678',
      failure: null,
    });
    expect(completed.mpesaReceiptNumber).toMatch(/^[A-Z0-9]{10}$/);

    const status = await getTransaction(transaction.id);
    expect(status.status).toBe(200);
    expect(status.data.transaction).toMatchObject({
      status: 'completed',
      amountPaid: 150,
      amountMismatch: false,
      mpesaReceiptNumber: completed.mpesaReceiptNumber,
    });
    expect(status.data.transaction.settledAt).not.toBeNull();
  });

  it('then a client that subscribes after the payment finished still gets the final state at once', async () => {
    const initiated = await merchant({
      method: 'POST',
      path: '/api/v1/transactions/initiate',
      body: initiateBody(),
    });
    const { transaction, clientSecret } = initiated.data;
    await eventually(
      () => getTransaction(transaction.id),
      (res) => res.data.transaction.status === 'completed',
    );

    const subscriber = await subscribeTo(transaction.id, clientSecret);
    const event = await subscriber.waitForStatus('completed', 1000);
    expect(event.id).toBe(transaction.id);
  });
});

describe('when the customer cancels the prompt', () => {
  it('then the transaction ends cancelled with result code 1032 and a readable reason', async () => {
    const initiated = await merchant({
      method: 'POST',
      path: '/api/v1/transactions/initiate',
      body: initiateBody({ phone: '0700000001' }),
    });
    expect(initiated.status).toBe(201);
    const subscriber = await subscribeTo(initiated.data.transaction.id, initiated.data.clientSecret);
    const cancelled = await subscriber.waitForStatus('cancelled');
    expect(cancelled.failure).toMatchObject({ code: 'cancelled_by_customer', resultCode: '1032' });

    const status = await getTransaction(initiated.data.transaction.id);
    expect(status.data.transaction).toMatchObject({ status: 'cancelled', mpesaReceiptNumber: null });
  });
});

describe.each([
  ['0700000002', 'failed', 'insufficient_funds', '1'],
  ['0700000003', 'failed', 'customer_unreachable', '1037'],
  ['0700000004', 'failed', 'wrong_pin', '2001'],
])('when the simulator answers %s', (phone, status, code, resultCode) => {
  it(`then the transaction ends ${status} with ${code}`, async () => {
    const initiated = await merchant({
      method: 'POST',
      path: '/api/v1/transactions/initiate',
      body: initiateBody({ phone }),
    });
    const subscriber = await subscribeTo(initiated.data.transaction.id, initiated.data.clientSecret);
    const event = await subscriber.waitForStatus(status);
    expect(event.failure).toMatchObject({ code, resultCode });
  });
});

describe('when Safaricom sends the same callback twice', () => {
  it('then the payment completes once and records one status change to completed', async () => {
    const initiated = await merchant({
      method: 'POST',
      path: '/api/v1/transactions/initiate',
      body: initiateBody({ phone: '0700000006' }),
    });
    const id = initiated.data.transaction.id;
    const subscriber = await subscribeTo(id, initiated.data.clientSecret);
    await subscriber.waitForStatus('completed');
    const db = server.database();
    const records = await eventually(
      () => callbackRecords(db, { transactionId: id }),
      (rows) => rows.length === 2,
    );
    expect(records.map((record) => record.outcome)).toEqual(['applied', 'duplicate']);
    const changes = await statusChanges(db, id);
    expect(changes.map((change) => `${change.fromStatus}->${change.toStatus}`)).toEqual([
      'null->pending',
      'pending->completed',
    ]);
    expect(subscriber.events.filter((event) => event.status === 'completed')).toHaveLength(1);
  });
});

describe('when the amount paid differs from the amount asked', () => {
  it('then the payment completes and is flagged', async () => {
    const initiated = await merchant({
      method: 'POST',
      path: '/api/v1/transactions/initiate',
      body: initiateBody({ phone: '0700000011', amount: 40 }),
    });
    const id = initiated.data.transaction.id;
    const status = await eventually(
      () => getTransaction(id),
      (res) => res.data.transaction.status !== 'pending',
    );
    expect(status.data.transaction).toMatchObject({
      status: 'completed',
      amount: 40,
      amountPaid: 41,
      amountMismatch: true,
    });
  });
});

describe('when every payment above has run', () => {
  it('then no log line held a callback URL token or a full phone number', () => {
    expect(started.length).toBeGreaterThanOrEqual(6);
    expect(logLines.length).toBeGreaterThan(50);
    const tokens = started.map((id) => server.callbackPath(id).split('/').at(-1)!);
    expect(logLines.filter((line) => tokens.some((token) => line.includes(token)))).toEqual([]);
    // A whole Kenyan mobile number in any form, not inside a longer run of digits (ids, dates).
    const fullPhone = /(?<![\d*])(?:\+?254|0)7\d{8}(?![\d*])/;
    expect(logLines.filter((line) => fullPhone.test(line))).toEqual([]);
    // The masked form is what they show instead.
    expect(logLines.some((line) => line.includes('712***678'))).toBe(true);
  });
});
