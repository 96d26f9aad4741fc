// A rolling restart loses nothing: three instances behind the balancer are restarted one after
// another (SIGTERM, drain, start) while callbacks stream in. Every acknowledged callback is
// applied once, every event reaches the merchant, every browser ends on the final state.
import { subscribeToTransaction, type TransactionSubscription } from '@mpesa-bridge/sdk/browser';
import { createTransactionSecrets } from '../../src/security/transaction-secrets';
import { createKeyring } from '../../src/security/vault';
import { CALLBACK_PATH } from '../../src/callbacks/callback.routes';
import { postCallback, successCallback } from '../helpers/callbacks';
import { describeDeployment, startDeployment, type Deployment } from '../helpers/instances';
import { createProject, initiateBody, merchantClient } from '../helpers/merchant';
import { eventually } from '../helpers/realtime';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver';

const PAYMENTS = 30;
const CALLBACK_GAP_MS = 300;

describeDeployment('when three instances are restarted one after another while callbacks stream in', () => {
  let deployment: Deployment;
  let hooks: WebhookReceiver;
  const subscriptions: TransactionSubscription[] = [];
  beforeAll(async () => {
    hooks = await startWebhookReceiver();
    deployment = await startDeployment({
      instances: 3,
      redis: false,
      env: {
        RECONCILE_AFTER: '1h',
        RECONCILE_EXPIRE_AFTER: '2h',
        WEBHOOK_RETRY_SCHEDULE: Array(20).fill('200ms').join(','),
        WEBHOOK_POLL_INTERVAL_MS: '200',
      },
    });
  }, 60_000);
  afterAll(async () => {
    subscriptions.forEach((subscription) => subscription.close());
    await deployment?.close();
    await hooks?.close();
  });

  it('then every acknowledged callback is applied once, every event is delivered, and every browser ends on completed', async () => {
    const merchant = merchantClient(
      deployment.url,
      await createProject(deployment.url, deployment.adminToken),
    );
    expect(
      (await merchant({ method: 'POST', path: '/api/v1/webhook-endpoints', body: { url: hooks.url } }))
        .status,
    ).toBe(201);
    const payments: Array<{ id: string; checkoutRequestId: string }> = [];
    const lastStatus = new Map<string, string>();
    for (let i = 0; i < PAYMENTS; i += 1) {
      const { transaction, clientSecret } = (
        await merchant({
          method: 'POST',
          path: '/api/v1/transactions/initiate',
          body: initiateBody({ phone: '0700000005' }),
        })
      ).data;
      payments.push({ id: transaction.id, checkoutRequestId: transaction.checkoutRequestId });
      const subscription = subscribeToTransaction({
        baseUrl: deployment.url,
        transactionId: transaction.id,
        clientSecret,
        onUpdate: (t) => lastStatus.set(transaction.id, t.status),
      });
      subscriptions.push(subscription);
      await subscription.subscribed;
    }

    // Safaricom, through the balancer, one callback at a time, while the instances restart.
    const secrets = createTransactionSecrets(createKeyring(Buffer.from(deployment.masterKey, 'hex')));
    const acknowledged = new Set<string>();
    const stream = (async () => {
      for (const [index, payment] of payments.entries()) {
        const path = `${CALLBACK_PATH}/${payment.id}/${secrets.callbackToken(payment.id)}`;
        const answer = await postCallback(
          deployment.url,
          path,
          successCallback(payment.checkoutRequestId, 10, `RST${String(index).padStart(7, '0')}`),
        ).catch(() => undefined);
        if (answer?.status === 200 && answer.data.ResultCode === 0) acknowledged.add(payment.id);
        await new Promise((resolve) => setTimeout(resolve, CALLBACK_GAP_MS));
      }
    })();
    for (let index = 0; index < deployment.instances.length; index += 1) await deployment.restart(index);
    await stream;
    expect(acknowledged.size).toBe(PAYMENTS);

    const delivered = await eventually(
      async () =>
        [...hooks.accepted().values()].map(
          (webhook) => JSON.parse(webhook.body) as { type: string; data: { transaction: { id: string } } },
        ),
      (events) =>
        events.filter((event) => event.type === 'transaction.completed').length >= acknowledged.size,
      15_000,
    );
    const completedEvents = delivered
      .filter((event) => event.type === 'transaction.completed')
      .map((event) => event.data.transaction.id);
    expect(completedEvents.sort()).toEqual([...acknowledged].sort());

    for (const id of acknowledged) {
      const read = await merchant({ method: 'GET', path: `/api/v1/transactions/${id}` });
      expect(read.data.transaction.status).toBe('completed');
      // Applied once: one completion in the event log, whatever instance took the callback.
      const events = await merchant({ method: 'GET', path: `/api/v1/events?transactionId=${id}` });
      expect(events.data.data.map((event: { type: string }) => event.type)).toEqual([
        'transaction.completed',
      ]);
    }
    await eventually(
      async () => [...lastStatus.values()],
      (statuses) => statuses.length === PAYMENTS && statuses.every((status) => status === 'completed'),
      15_000,
    );
  }, 90_000);
});
