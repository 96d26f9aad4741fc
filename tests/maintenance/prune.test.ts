// Tables that grow with traffic are pruned after their retention: processed callbacks and
// succeeded webhook deliveries with their attempts go; payments, their history, their events,
// unprocessed callbacks and deliveries still to do stay. On the engine the suite runs on.
import { startTestServer, type TestServer } from '../helpers/server';
import { initiateBody, merchantFor } from '../helpers/merchant';
import { eventually } from '../helpers/realtime';
import {
  callbackRecords,
  countRows,
  statusChanges,
  storedTransaction,
  transactionEvents,
} from '../helpers/rows';
import { startWebhookReceiver } from '../helpers/webhook-receiver';
import { storeUnprocessedCallback } from '../../src/payments/callback.repository';
import { newId } from '../../src/ids';

let server: TestServer;
beforeAll(async () => {
  // Everything is old enough at once; the pruner itself only runs when the test says.
  server = await startTestServer({
    CALLBACK_RETENTION: '1ms',
    WEBHOOK_RETENTION: '1ms',
    PRUNE_INTERVAL: '24d',
    WEBHOOK_POLL_INTERVAL_MS: '50',
  });
});
afterAll(() => server.close());

describe('when payments have settled and their webhooks were delivered, and the retention has passed', () => {
  it('then a pruning pass deletes the delivered deliveries, their attempts and the processed callbacks, and keeps the rest', async () => {
    const merchant = await merchantFor(server);
    const hooks = await startWebhookReceiver();
    const failing = await startWebhookReceiver(() => 503);
    try {
      await merchant({ method: 'POST', path: '/api/v1/webhook-endpoints', body: { url: hooks.url } });
      await merchant({ method: 'POST', path: '/api/v1/webhook-endpoints', body: { url: failing.url } });
      const started = await merchant({
        method: 'POST',
        path: '/api/v1/transactions/initiate',
        body: initiateBody(),
      });
      const id = started.data.transaction.id as string;
      await hooks.waitForAccepted(1);
      await eventually(
        async () => failing.received.length,
        (count) => count >= 1,
      );
      const db = server.database();
      await eventually(
        async () => countRows(db, 'DeliveryAttempt'),
        (count) => count >= 2,
      );
      // A callback stored but not yet applied: never pruned, whatever its age.
      await storeUnprocessedCallback(db, {
        id: newId('cbk', new Date(0)),
        transactionId: null,
        checkoutRequestId: null,
        sourceIp: '196.201.212.69',
        rawBody: Buffer.from('{}'),
        receivedAt: new Date(0),
      });

      const pruned = await server.service.pruneNow();
      expect(pruned).toMatchObject({ callbacks: 1, deliveries: 1 });
      // The failing endpoint's delivery waits for its retry: kept, with its attempt.
      expect(await countRows(db, 'WebhookDelivery')).toBe(1);
      expect(await countRows(db, 'DeliveryAttempt')).toBe(1);
      expect(await callbackRecords(db, { transactionId: id })).toEqual([]);
      expect(await countRows(db, 'CallbackRecord')).toBe(1);
      expect(await storedTransaction(db, id)).toMatchObject({ status: 'completed' });
      expect((await statusChanges(db, id)).map((change) => change.toStatus)).toEqual([
        'pending',
        'completed',
      ]);
      expect(await transactionEvents(db, id)).toHaveLength(1);
      // The merchant still reads the payment and its event.
      expect(
        (await merchant({ method: 'GET', path: `/api/v1/transactions/${id}` })).data.transaction.status,
      ).toBe('completed');
    } finally {
      await hooks.close();
      await failing.close();
    }
  });
});
