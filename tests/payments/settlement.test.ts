// How outcomes settle a payment: forward-only states, late success after expiry, and
// callbacks stored before a crash applied at the next start.
import { storeUnprocessedCallback } from '../../src/payments/callback.repository';
import { newId } from '../../src/ids';
import { sameDatabase, startTestServer, type TestServer } from '../helpers/server';
import {
  createProject,
  initiateBody,
  merchantClient,
  type MerchantRequest,
  merchantFor,
} from '../helpers/merchant';
import { failureCallback, postCallback, successCallback } from '../helpers/callbacks';
import { connectSubscriber, eventually } from '../helpers/realtime';
import { callbackRecords, statusChanges } from '../helpers/rows';

// The simulator never calls back for this number (see src/simulator/simulator.outcomes.ts),
// so the test plays Safaricom's part.
const SILENT_PHONE = '0700000005';

let server: TestServer;
let merchant: MerchantRequest;

beforeAll(async () => {
  server = await startTestServer();
  merchant = await merchantFor(server);
});
afterAll(() => server.close());

async function pendingPayment(amount = 100) {
  const response = await merchant({
    method: 'POST',
    path: '/api/v1/transactions/initiate',
    body: initiateBody({ phone: SILENT_PHONE, amount }),
  });
  expect(response.status).toBe(201);
  return response.data as { transaction: { id: string; checkoutRequestId: string }; clientSecret: string };
}

const statusOf = async (id: string) =>
  (await merchant({ method: 'GET', path: `/api/v1/transactions/${id}` })).data.transaction;

describe('when the prompt expired and a success arrives afterwards', () => {
  it('then the success wins, and both changes are recorded and pushed', async () => {
    const { transaction, clientSecret } = await pendingPayment(100);
    const subscriber = await connectSubscriber(server.url);
    await subscriber.subscribe(transaction.id, clientSecret);
    const path = server.callbackPath(transaction.id);

    const expired = await postCallback(
      server.url,
      path,
      failureCallback(transaction.checkoutRequestId, 1019, 'Transaction has expired.'),
    );
    expect(expired.data).toEqual({ ResultCode: 0, ResultDesc: 'Accepted' });
    await subscriber.waitForStatus('expired');

    await postCallback(server.url, path, successCallback(transaction.checkoutRequestId, 100, 'UKM1LATE01'));
    const completed = await subscriber.waitForStatus('completed');
    subscriber.close();
    expect(completed.mpesaReceiptNumber).toBe('UKM1LATE01');

    const changes = await statusChanges(server.database(), transaction.id);
    expect(changes.map((change) => [change.fromStatus, change.toStatus, change.source])).toEqual([
      [null, 'pending', 'initiate'],
      ['pending', 'expired', 'callback'],
      ['expired', 'completed', 'callback'],
    ]);
  });
});

describe('when a payment has completed and a failure arrives for it', () => {
  it('then nothing changes: states only move forward', async () => {
    const { transaction } = await pendingPayment(50);
    const path = server.callbackPath(transaction.id);
    await postCallback(server.url, path, successCallback(transaction.checkoutRequestId, 50));
    await postCallback(
      server.url,
      path,
      failureCallback(transaction.checkoutRequestId, 1032, 'Request cancelled by user'),
    );

    expect(await statusOf(transaction.id)).toMatchObject({ status: 'completed', failure: null });
    const outcomes = await callbackRecords(server.database(), { transactionId: transaction.id });
    expect(outcomes.map((record) => record.outcome)).toEqual(['applied', 'duplicate']);
  });
});

describe('when a callback names another payment than the one its URL vouches for', () => {
  it('then it is kept as an orphan and changes nothing', async () => {
    const { transaction } = await pendingPayment();
    const answer = await postCallback(
      server.url,
      server.callbackPath(transaction.id),
      successCallback('ws_CO_SOMEONE_ELSE', 100),
    );
    expect(answer.data).toEqual({ ResultCode: 0, ResultDesc: 'Accepted' });
    expect((await statusOf(transaction.id)).status).toBe('pending');
    const [record] = await callbackRecords(server.database(), { checkoutRequestId: 'ws_CO_SOMEONE_ELSE' });
    expect(record).toMatchObject({ outcome: 'orphan' });
  });
});

describe('when the service stopped after storing a callback but before applying it', () => {
  it('then the next start applies it and the payment completes', async () => {
    const first = await startTestServer();
    const keys = await createProject(first.url, first.adminToken);
    const initiated = await merchantClient(
      first.url,
      keys,
    )({
      method: 'POST',
      path: '/api/v1/transactions/initiate',
      body: initiateBody({ phone: SILENT_PHONE, amount: 75 }),
    });
    const { id, checkoutRequestId } = initiated.data.transaction;
    // What `receive` leaves behind when processing fails after the record is stored.
    await storeUnprocessedCallback(first.database(), {
      id: newId('cbk'),
      transactionId: id,
      checkoutRequestId,
      sourceIp: '196.201.212.69',
      rawBody: Buffer.from(JSON.stringify(successCallback(checkoutRequestId, 75))),
      receivedAt: new Date(),
    });
    await first.close();

    const second = await startTestServer(sameDatabase(first));
    try {
      const after = await eventually(
        async () =>
          (await merchantClient(second.url, keys)({ method: 'GET', path: `/api/v1/transactions/${id}` })).data
            .transaction,
        (transaction) => transaction.status !== 'pending',
      );
      expect(after).toMatchObject({ status: 'completed', amountPaid: 75 });
      const [record] = await callbackRecords(second.database(), { transactionId: id });
      expect(record?.outcome).toBe('applied');
      expect(record?.processedAt).not.toBeNull();
    } finally {
      await second.close();
    }
  });
});
