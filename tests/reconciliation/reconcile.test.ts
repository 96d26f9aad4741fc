// Reconciliation: payments whose callback never comes are resolved with STK Query against
// the simulator over real HTTP, at a pace, and settle exactly once even when a callback races
// the query.
import { startTestServer, type TestServer } from '../helpers/server';
import { initiateBody, merchantFor, type MerchantRequest } from '../helpers/merchant';
import { eventually } from '../helpers/realtime';
import { postCallback, receiptOf, successCallback } from '../helpers/callbacks';
import { simulatorStats } from '../helpers/http-edges';
import { startWebhookReceiver } from '../helpers/webhook-receiver';
import { startSlowDaraja } from '../helpers/fake-daraja';
import { statusChanges, storedTransaction, transactionEvents } from '../helpers/rows';

const FAST = {
  RECONCILE_AFTER: '200ms',
  RECONCILE_EXPIRE_AFTER: '5s',
  RECONCILE_INTERVAL_MS: '50',
  RECONCILE_QUERIES_PER_SECOND: '20',
  WEBHOOK_POLL_INTERVAL_MS: '50',
};

async function pay(merchant: MerchantRequest, phone: string) {
  const response = await merchant({
    method: 'POST',
    path: '/api/v1/transactions/initiate',
    body: initiateBody({ phone }),
  });
  expect(response.status).toBeLessThan(300);
  return response.data.transaction as { id: string; checkoutRequestId: string | null };
}

const statusOf = (merchant: MerchantRequest, id: string) =>
  eventually(
    () => merchant({ method: 'GET', path: `/api/v1/transactions/${id}` }),
    (response) => response.data.transaction.status !== 'pending',
    8000,
  ).then((response) => response.data.transaction);

describe('when the callback is lost', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(FAST);
  });
  afterAll(() => server.close());

  it('then STK Query settles the payment as completed, recorded as such, with one transaction.completed webhook', async () => {
    const merchant = await merchantFor(server);
    const hooks = await startWebhookReceiver();
    try {
      await merchant({ method: 'POST', path: '/api/v1/webhook-endpoints', body: { url: hooks.url } });
      const { id } = await pay(merchant, '0700000005'); // success, never called back
      const settled = await statusOf(merchant, id);
      expect(settled).toMatchObject({ status: 'completed', failure: null });

      const changes = await statusChanges(server.database(), id);
      expect(changes.map((change) => [change.toStatus, change.source])).toEqual([
        ['pending', 'initiate'],
        ['completed', 'stk_query'],
      ]);
      const delivered = await hooks.waitForAccepted(1);
      expect(JSON.parse([...delivered.values()][0]!.body)).toMatchObject({
        type: 'transaction.completed',
        data: { transaction: { id, status: 'completed' } },
      });
    } finally {
      await hooks.close();
    }
  });

  it('then intermittent "no answer" (500.001.1001) is not a failure: the payment ends in its real state', async () => {
    const merchant = await merchantFor(server);
    const before = await simulatorStats(server);
    const { id } = await pay(merchant, '0700000012'); // cancelled, never called back, every other query 500
    const settled = await statusOf(merchant, id);
    expect(settled).toMatchObject({
      status: 'cancelled',
      failure: { code: 'cancelled_by_customer', resultCode: '1032' },
    });
    // At least one "no answer" came before the final one.
    expect((await simulatorStats(server)).stkQueries - before.stkQueries).toBeGreaterThanOrEqual(2);
  });

  it('then a merchant can ask for reconciliation of one payment now', async () => {
    const merchant = await merchantFor(server);
    // The simulator settles at once (no callback for this phone), so its query answers final.
    const slow = await startTestServer({
      ...FAST,
      RECONCILE_AFTER: '1h',
      RECONCILE_EXPIRE_AFTER: '2h',
      SIMULATOR_CALLBACK_DELAY_MS: '0',
    });
    try {
      const slowMerchant = await merchantFor(slow);
      const { id } = await pay(slowMerchant, '0700000005');
      const now = await slowMerchant({ method: 'POST', path: `/api/v1/transactions/${id}/reconcile` });
      expect(now.status).toBe(200);
      expect(now.data).toMatchObject({
        reconciliation: { outcome: 'settled' },
        transaction: { id, status: 'completed' },
      });
      const again = await slowMerchant({ method: 'POST', path: `/api/v1/transactions/${id}/reconcile` });
      expect(again.data.reconciliation.outcome).toBe('already_final');
      // Another project's payment is not found, not reconciled.
      const foreign = await merchant({ method: 'POST', path: `/api/v1/transactions/${id}/reconcile` });
      expect(foreign.status).toBe(404);
      expect(foreign.data.error.code).toBe('transaction_not_found');
    } finally {
      await slow.close();
    }
  });
});

describe('when Daraja never gives a final answer', () => {
  it('then the payment expires after RECONCILE_EXPIRE_AFTER, and a success that arrives later still wins, with webhooks in that order', async () => {
    // The simulator settles only after 60 s: every query answers 4999 until then.
    const server = await startTestServer({
      ...FAST,
      RECONCILE_EXPIRE_AFTER: '1500ms',
      SIMULATOR_CALLBACK_DELAY_MS: '60000',
    });
    const hooks = await startWebhookReceiver();
    try {
      const merchant = await merchantFor(server);
      await merchant({ method: 'POST', path: '/api/v1/webhook-endpoints', body: { url: hooks.url } });
      const { id, checkoutRequestId } = await pay(merchant, '0712345678');
      const expired = await statusOf(merchant, id);
      expect(expired).toMatchObject({ status: 'expired', failure: { code: 'no_answer', resultCode: null } });

      const late = await postCallback(
        server.url,
        server.callbackPath(id),
        successCallback(checkoutRequestId!, 10),
      );
      expect(late.status).toBe(200);
      const after = await merchant({ method: 'GET', path: `/api/v1/transactions/${id}` });
      expect(after.data.transaction).toMatchObject({
        status: 'completed',
        mpesaReceiptNumber: receiptOf(checkoutRequestId!),
      });

      const delivered = await hooks.waitForAccepted(2);
      expect([...delivered.values()].map((webhook) => JSON.parse(webhook.body).type)).toEqual([
        'transaction.expired',
        'transaction.completed',
      ]);
    } finally {
      await hooks.close();
      await server.close();
    }
  });

  it('then a push whose answer was lost (no CheckoutRequestID to ask about) expires too, and its callback still settles it', async () => {
    const daraja = await startSlowDaraja('never');
    const server = await startTestServer({
      ...FAST,
      RECONCILE_EXPIRE_AFTER: '1s',
      MPESA_BASE_URL: daraja.url,
      MPESA_TIMEOUT_MS: '200',
    });
    try {
      const merchant = await merchantFor(server);
      const response = await merchant({
        method: 'POST',
        path: '/api/v1/transactions/initiate',
        body: initiateBody(),
      });
      expect(response.status).toBe(202);
      const { id } = response.data.transaction;
      const expired = await statusOf(merchant, id);
      expect(expired.status).toBe('expired');
      await postCallback(server.url, server.callbackPath(id), successCallback('ws_CO_SLOW1', 10));
      expect(
        (await merchant({ method: 'GET', path: `/api/v1/transactions/${id}` })).data.transaction.status,
      ).toBe('completed');
    } finally {
      await server.close();
      await daraja.close();
    }
  });
});

describe('when a callback and a query race', () => {
  it('then each payment settles once, with one status change and one event', async () => {
    // The simulator settles at once, so its query answers "0" as soon as the push is answered.
    const server = await startTestServer({
      ...FAST,
      RECONCILE_AFTER: '1h',
      RECONCILE_EXPIRE_AFTER: '2h',
      RECONCILE_QUERIES_PER_SECOND: '100',
      SIMULATOR_CALLBACK_DELAY_MS: '0',
    });
    try {
      const merchant = await merchantFor(server);
      const payments = await Promise.all(Array.from({ length: 10 }, () => pay(merchant, '0700000005')));
      await Promise.all(
        payments.flatMap(({ id, checkoutRequestId }) => [
          merchant({ method: 'POST', path: `/api/v1/transactions/${id}/reconcile` }),
          postCallback(server.url, server.callbackPath(id), successCallback(checkoutRequestId!, 10)),
          merchant({ method: 'POST', path: `/api/v1/transactions/${id}/reconcile` }),
          postCallback(server.url, server.callbackPath(id), successCallback(checkoutRequestId!, 10)),
        ]),
      );
      const db = server.database();
      for (const { id } of payments) {
        expect(await storedTransaction(db, id)).toMatchObject({ status: 'completed' });
        expect(
          (await statusChanges(db, id)).filter((change) => change.toStatus === 'completed'),
        ).toHaveLength(1);
        expect(await transactionEvents(db, id)).toHaveLength(1);
      }
    } finally {
      await server.close();
    }
  });
});

describe('when many payments need reconciling at once', () => {
  it('then queries never exceed RECONCILE_QUERIES_PER_SECOND', async () => {
    const server = await startTestServer({
      ...FAST,
      RECONCILE_QUERIES_PER_SECOND: '4',
      RECONCILE_EXPIRE_AFTER: '1h',
      SIMULATOR_CALLBACK_DELAY_MS: '60000',
    });
    try {
      const merchant = await merchantFor(server);
      await Promise.all(Array.from({ length: 30 }, () => pay(merchant, '0712345678')));
      // Wait for enough queries to span a few one-second windows, then read the peak.
      const stats = await eventually(
        () => simulatorStats(server),
        (current) => current.stkQueries >= 8,
        15_000,
      );
      expect(stats.stkQueries).toBeGreaterThanOrEqual(8);
      expect(stats.stkQueryPeakPerSecond).toBeLessThanOrEqual(5); // 4 per second, +1 at a window's edge
    } finally {
      await server.close();
    }
  }, 40_000);

  it('then Spike Arrest from Daraja pauses all queries instead of hammering it', async () => {
    const server = await startTestServer({
      ...FAST,
      RECONCILE_QUERIES_PER_SECOND: '20',
      RECONCILE_EXPIRE_AFTER: '1h',
      SIMULATOR_CALLBACK_DELAY_MS: '60000',
      SIMULATOR_QUERY_RATE_LIMIT: '2',
    });
    try {
      const merchant = await merchantFor(server);
      await Promise.all(Array.from({ length: 20 }, () => pay(merchant, '0712345678')));
      // The third query in a second is answered with Spike Arrest; then a pause of 10 s. The
      // queries already on their way land first (hence the short wait), and the pause is an
      // absence of queries, which only a stretch of time can show (hence the sleep).
      await eventually(
        () => simulatorStats(server),
        (current) => current.stkQueries >= 3,
        15_000,
      );
      await new Promise((resolve) => setTimeout(resolve, 500));
      const during = (await simulatorStats(server)).stkQueries;
      expect(during).toBeGreaterThanOrEqual(3);
      await new Promise((resolve) => setTimeout(resolve, 2000));
      expect((await simulatorStats(server)).stkQueries).toBe(during);
    } finally {
      await server.close();
    }
  }, 40_000);
});
