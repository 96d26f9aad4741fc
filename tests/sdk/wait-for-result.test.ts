// The SDK against the real service: initiate, then wait for the result over the Socket.io
// room, or by polling when the room is out of reach. Where the order of events matters, the
// test plays Safaricom itself: 0700000005 makes the simulator send no callback, and the test
// posts it once the wait has told it the subscription is in place. Nothing here waits a fixed
// time or races the simulator's own callback delay.
import {
  createClient,
  MpesaBridgeTimeoutError,
  type ClientTransaction,
  type FetchLike,
  type MpesaBridgeClient,
  type Transaction,
} from '@mpesa-bridge/sdk';
import { postCallback, receiptOf, successCallback } from '../helpers/callbacks';
import { startTestServer, type TestServer } from '../helpers/server';
import { closedPortUrl, order, sdkClientFor } from './sdk-client';
import axios from 'axios';
import { accountBody } from '../helpers/accounts';
import { merchantClient } from '../helpers/merchant';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

// Lists the SDK's declared fields; `satisfies` makes the compiler check the list is exactly the type's keys.
const TRANSACTION_FIELDS = Object.keys({
  id: 1,
  status: 1,
  amount: 1,
  currency: 1,
  phone: 1,
  mode: 1,
  accountId: 1,
  channel: 1,
  accountReference: 1,
  description: 1,
  metadata: 1,
  checkoutRequestId: 1,
  merchantRequestId: 1,
  customerMessage: 1,
  mpesaReceiptNumber: 1,
  amountPaid: 1,
  amountVerified: 1,
  amountMismatch: 1,
  failure: 1,
  origin: 1,
  paidAt: 1,
  c2b: 1,
  paidAs: 1,
  createdAt: 1,
  updatedAt: 1,
  settledAt: 1,
  reversal: 1,
} satisfies Record<keyof Transaction, 1>).sort();

/** With this phone the simulator accepts the push and never calls back: the test decides when the result arrives. */
const NO_CALLBACK_PHONE = '0700000005';
/** A simulator PayBill with C2B switched on: walk-in payments to it come from the simulator's menu. */
const WALK_IN_SHORTCODE = '600317';
// Polls a minute apart: a wait that polled would have read the payment as pending first.
const SOCKET_ONLY = { pollIntervalMs: 60_000, timeoutMs: 30_000 };

/** An SDK client whose status reads (GET /api/v1/transactions/:id) are recorded with the status they returned. */
async function recordingClient(): Promise<{ client: MpesaBridgeClient; statusReads: string[] }> {
  const statusReads: string[] = [];
  const recording: FetchLike = async (url, init) => {
    const response = await fetch(url, init);
    if ((init?.method ?? 'GET') === 'GET' && /\/api\/v1\/transactions\/txn_[^/?]+$/.test(String(url))) {
      statusReads.push(((await response.clone().json()) as { transaction: Transaction }).transaction.status);
    }
    return response;
  };
  const { client } = await sdkClientFor(server, { fetch: recording });
  return { client, statusReads };
}

/** What Safaricom would post for a successful payment of `started`. */
function payAsSafaricom(started: { id: string; checkoutRequestId: string | null; amount: number }) {
  return postCallback(
    server.url,
    server.callbackPath(started.id),
    successCallback(started.checkoutRequestId!, started.amount),
  ).then((answer) => {
    expect(answer.status).toBe(200);
  });
}

describe('when a customer pays', () => {
  it('then waitForResult resolves with the completed transaction pushed through the socket after it subscribed', async () => {
    const { client, statusReads } = await recordingClient();
    const started = await client.transactions.initiate(order({ phone: NO_CALLBACK_PHONE, amount: 150 }));
    expect(started.push).toBe('accepted');
    expect(started.clientSecret).toMatch(/^cs_/);
    expect(started.idempotencyKey).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(started.transaction).toMatchObject({ status: 'pending', amount: 150, phone: '254700000005' });
    expect(Object.keys(started.transaction).sort()).toEqual(TRANSACTION_FIELDS);

    const seen: string[] = [];
    let paid: Promise<void> | undefined;
    const result = await client.waitForResult(started.transaction.id, {
      ...SOCKET_ONLY,
      onStatus: (status) => {
        seen.push(status);
        // Subscribed and told the current state: only now does the customer pay.
        if (status === 'pending') paid = payAsSafaricom(started.transaction);
      },
    });
    await paid;
    expect(seen).toEqual(['pending', 'completed']);
    // One read, after the socket reported the final state: the wait never polled.
    expect(statusReads).toEqual(['completed']);
    expect(result).toMatchObject({
      id: started.transaction.id,
      status: 'completed',
      amountPaid: 150,
      failure: null,
      mpesaReceiptNumber: receiptOf(started.transaction.checkoutRequestId!),
    });
    expect(Object.keys(result).sort()).toEqual(TRANSACTION_FIELDS);
  });

  it('then a wait that starts after the payment finished resolves from the state sent on subscribe', async () => {
    const { client, statusReads } = await recordingClient();
    const started = await client.transactions.initiate(order({ phone: NO_CALLBACK_PHONE }));
    // The result arrives before anyone subscribes: the race a late subscriber must never lose.
    await payAsSafaricom(started.transaction);
    const seen: string[] = [];
    const result = await client.waitForResult(started.transaction.id, {
      clientSecret: started.clientSecret,
      ...SOCKET_ONLY,
      onStatus: (status) => seen.push(status),
    });
    expect(seen).toEqual(['completed']);
    expect(statusReads).toEqual(['completed']);
    expect(result).toMatchObject({
      status: 'completed',
      mpesaReceiptNumber: receiptOf(started.transaction.checkoutRequestId!),
    });
    const again = await client.waitForResult(started.transaction.id, {
      clientSecret: started.clientSecret,
      ...SOCKET_ONLY,
    });
    expect(again).toEqual(result);
  });
});

describe('when the customer cancels the prompt (0700000001)', () => {
  it('then waitForResult resolves cancelled with the reason', async () => {
    const { client } = await sdkClientFor(server);
    const started = await client.transactions.initiate(order({ phone: '0700000001' }));
    const result = await client.waitForResult(started.transaction.id, SOCKET_ONLY);
    expect(result.status).toBe('cancelled');
    expect(result.failure).toMatchObject({ code: 'cancelled_by_customer', resultCode: '1032' });
  });
});

describe('when the socket is out of reach', () => {
  it('then a socket that cannot connect falls back to polling the status', async () => {
    const { client } = await sdkClientFor(server, { realtimeUrl: await closedPortUrl() });
    const started = await client.transactions.initiate(order({ phone: '0700000002' }));
    const result = await client.waitForResult(started.transaction.id, {
      pollIntervalMs: 100,
      timeoutMs: 10_000,
    });
    expect(result.status).toBe('failed');
    expect(result.failure).toMatchObject({ code: 'insufficient_funds', resultCode: '1' });
  });

  it('then a refused subscription (wrong client secret) falls back to polling the status', async () => {
    const { client } = await sdkClientFor(server);
    const started = await client.transactions.initiate(order());
    const result = await client.waitForResult(started.transaction.id, {
      clientSecret: 'cs_wrong',
      pollIntervalMs: 100,
      timeoutMs: 10_000,
    });
    expect(result.status).toBe('completed');
  });

  it('then a client that did not make the initiate call (so holds no client secret) polls', async () => {
    const { client, keys } = await sdkClientFor(server);
    const started = await client.transactions.initiate(order());
    // Another instance with the same keys: another process of the same backend, say.
    const other = createClient({ baseUrl: server.url, publicKey: keys.publicKey, secretKey: keys.secretKey });
    const result = await other.waitForResult(started.transaction.id, {
      pollIntervalMs: 100,
      timeoutMs: 10_000,
    });
    expect(result.status).toBe('completed');
  });
});

describe('when the payment stays pending past the timeout (0700000005: the callback never comes)', () => {
  it.each([
    ['socket', {}],
    ['polling', { clientSecret: 'cs_wrong', pollIntervalMs: 50 }],
  ])(
    'then waitForResult rejects with MpesaBridgeTimeoutError (%s), not before the timeout',
    async (_path, extra) => {
      const { client } = await sdkClientFor(server);
      const started = await client.transactions.initiate(order({ phone: NO_CALLBACK_PHONE }));
      const begun = Date.now();
      const error: unknown = await client
        .waitForResult(started.transaction.id, { timeoutMs: 400, ...extra })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(MpesaBridgeTimeoutError);
      expect(error).toMatchObject({
        code: 'wait_timeout',
        transactionId: started.transaction.id,
        lastStatus: 'pending',
      });
      // A lower bound only (it must not give up early); how much later it answers depends on the machine.
      expect(Date.now() - begun).toBeGreaterThanOrEqual(390);
    },
  );
});

describe('when a browser follows the payment with subscribeToTransaction', () => {
  it('then it gets the pending state at once, then the completed state, with the phone masked', async () => {
    const { subscribeToTransaction } = await import('@mpesa-bridge/sdk/browser');
    const { client } = await sdkClientFor(server);
    const started = await client.transactions.initiate(order({ phone: NO_CALLBACK_PHONE }));
    const updates: ClientTransaction[] = [];
    let paid: Promise<void> | undefined;
    await new Promise<void>((resolve) => {
      const subscription = subscribeToTransaction({
        baseUrl: server.url,
        transactionId: started.transaction.id,
        clientSecret: started.clientSecret,
        onUpdate: (update) => {
          updates.push(update);
          if (update.status === 'pending') paid = payAsSafaricom(started.transaction);
          if (update.status === 'completed') {
            subscription.close();
            resolve();
          }
        },
      });
    });
    await paid;
    expect(updates.map((update) => update.status)).toEqual(['pending', 'completed']);
    expect(updates[0]).toMatchObject({
      id: started.transaction.id,
      status: 'pending',
      phone: '254700***005',
    });
    expect(updates[1]).toMatchObject({
      status: 'completed',
      failure: null,
      mpesaReceiptNumber: receiptOf(started.transaction.checkoutRequestId!),
    });
  });

  it('then a wrong client secret rejects `subscribed` with subscription_refused', async () => {
    const { subscribeToTransaction } = await import('@mpesa-bridge/sdk/browser');
    const { client } = await sdkClientFor(server);
    const started = await client.transactions.initiate(order());
    const errors: string[] = [];
    const subscription = subscribeToTransaction({
      baseUrl: server.url,
      transactionId: started.transaction.id,
      clientSecret: 'cs_wrong',
      onUpdate: () => errors.push('unexpected update'),
      onError: (error) => errors.push(error.code),
    });
    await expect(subscription.subscribed).rejects.toMatchObject({
      code: 'subscription_refused',
      status: 403,
    });
    expect(errors).toEqual(['subscription_refused']);
  });
});

describe('when the request is paid as another payment (docs/c2b.md "One receipt, one payment")', () => {
  it('then waitForResult resolves with paidAs naming the walk-in payment, though the request stays pending', async () => {
    const { client, keys } = await sdkClientFor(server);
    const merchant = merchantClient(server.url, keys);
    const app = accountBody({ shortcode: WALK_IN_SHORTCODE });
    const account = await merchant({ method: 'POST', path: '/api/v1/mpesa-accounts', body: app });
    expect(account.status).toBe(201);
    const accountId = account.data.account.id as string;
    const c2b = await merchant({
      method: 'POST',
      path: `/api/v1/mpesa-accounts/${accountId}/c2b`,
      body: { version: 'v2' },
    });
    expect(c2b.status).toBeLessThan(300);
    const started = await client.transactions.initiate({
      ...order({ phone: NO_CALLBACK_PHONE, amount: 70 }),
      account: accountId,
    });

    // The customer pays from the M-Pesa menu with a bill reference naming no request, then
    // Safaricom reports the prompt's success with that same receipt.
    const walkIn = await axios.post(`${server.url}/simulator/__simulator/c2b/payments`, {
      shortCode: WALK_IN_SHORTCODE,
      msisdn: '254712345678',
      consumerKey: app.consumerKey,
      amount: 70,
      billRefNumber: 'NO-SUCH-ORDER',
    });
    expect(walkIn.status).toBe(200);
    const receipt = walkIn.data.transId as string;
    let linked: Promise<void> | undefined;
    const result = await client.waitForResult(started.transaction.id, {
      clientSecret: started.clientSecret,
      ...SOCKET_ONLY,
      onStatus: (status) => {
        if (status === 'pending')
          linked = postCallback(
            server.url,
            server.callbackPath(started.transaction.id),
            successCallback(started.transaction.checkoutRequestId!, 70, receipt),
          ).then((answer) => expect(answer.status).toBe(200));
      },
    });
    await linked;
    const holder = await merchant({ method: 'GET', path: `/api/v1/transactions?receipt=${receipt}` });
    expect(result).toMatchObject({
      id: started.transaction.id,
      status: 'pending',
      paidAs: holder.data.data[0].id,
    });
  });
});
