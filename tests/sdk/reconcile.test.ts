// transactions.reconcile against the real service: a payment whose callback never comes
// (simulator phone 0700000005), with the service's own reconciliation far off, settled on demand.
import { verifyWebhook, type ReconcileResult } from '@mpesa-bridge/sdk';
import { eventually } from '../helpers/realtime';
import { startTestServer, type TestServer } from '../helpers/server';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver';
import { order, rejection, sdkClientFor } from './sdk-client';

let server: TestServer;
let hooks: WebhookReceiver;

beforeAll(async () => {
  server = await startTestServer({
    RECONCILE_AFTER: '1h',
    RECONCILE_EXPIRE_AFTER: '2h',
    WEBHOOK_POLL_INTERVAL_MS: '50',
  });
  hooks = await startWebhookReceiver();
});
afterAll(async () => {
  await hooks.close();
  await server.close();
});

describe('when the callback of a payment is lost', () => {
  it('then reconcile asks M-Pesa now, settles it as completed, and the webhook follows', async () => {
    const { client } = await sdkClientFor(server);
    const { secret } = await client.webhookEndpoints.create({ url: hooks.url });
    const { transaction } = await client.transactions.initiate(order({ phone: '0700000005' }));

    // The simulator answers "still processing" (4999) until the customer would have paid (50 ms).
    const outcomes: string[] = [];
    const result = await eventually<ReconcileResult>(
      async () => {
        const answer = await client.transactions.reconcile(transaction.id);
        outcomes.push(answer.reconciliation.outcome);
        return answer;
      },
      (answer) => answer.reconciliation.outcome !== 'in_progress',
    );
    expect(outcomes.slice(0, -1).every((outcome) => outcome === 'in_progress')).toBe(true);
    expect(result.reconciliation).toEqual({ outcome: 'settled' });
    expect(result.transaction).toMatchObject({ id: transaction.id, status: 'completed', failure: null });
    // STK Query answers carry no receipt number; only a callback does.
    expect(result.transaction.settledAt).toEqual(expect.any(String));
    expect(await client.transactions.get(transaction.id)).toEqual(result.transaction);

    const [delivered] = [...(await hooks.waitForAccepted(1)).values()];
    const event = verifyWebhook(delivered!.headers, delivered!.body, secret);
    expect(event.type === 'transaction.completed' && event.data.transaction).toEqual(result.transaction);

    // Asked again: nothing left to do.
    expect(await client.transactions.reconcile(transaction.id)).toEqual({
      transaction: result.transaction,
      reconciliation: { outcome: 'already_final' },
    });
  });

  it("then another project's payment, or an unknown one, is transaction_not_found", async () => {
    const { client: owner } = await sdkClientFor(server);
    const { client: stranger } = await sdkClientFor(server);
    const { transaction } = await owner.transactions.initiate(order({ phone: '0700000005' }));
    for (const id of [transaction.id, 'txn_doesnotexist']) {
      expect(await rejection(stranger.transactions.reconcile(id))).toMatchObject({
        code: 'transaction_not_found',
        status: 404,
      });
    }
    expect((await owner.transactions.get(transaction.id)).status).toBe('pending');
  });
});
