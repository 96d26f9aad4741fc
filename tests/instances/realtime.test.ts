// Real-time across instances: a browser subscribed on any instance gets every change of its
// payment, whichever instance took the callback, through the Socket.io adapter (PostgreSQL
// NOTIFY without Redis, Redis pub/sub with it); each change arrives once, not once per
// instance; and a browser behind a balancer without sticky sessions connects and follows.
import { subscribeToTransaction } from '@mpesa-bridge/sdk/browser';
import { createTransactionSecrets } from '../../src/security/transaction-secrets';
import { createKeyring } from '../../src/security/vault';
import { CALLBACK_PATH } from '../../src/callbacks/callback.routes';
import { postCallback, successCallback } from '../helpers/callbacks';
import { describeDeployment, startDeployment, type Deployment } from '../helpers/instances';
import { createProject, initiateBody, merchantClient } from '../helpers/merchant';
import { connectSubscriber, eventually, type Subscriber } from '../helpers/realtime';
import { connectProjectStream, type ProjectStream } from '../helpers/project-stream';

const PAYMENTS = 20;

describeDeployment(
  'when browsers follow payments on other instances than the one that takes the callbacks',
  () => {
    describe.each([
      ['PostgreSQL NOTIFY (no Redis)', false],
      ['Redis', true],
    ])('with %s between three instances', (_name, redis) => {
      let deployment: Deployment;
      const subscribers: Subscriber[] = [];
      beforeAll(async () => {
        deployment = await startDeployment({
          instances: 3,
          redis,
          // No periodic resync within the test: it would send a state again (README: a browser may
          // see a state twice), and this test counts what the bus carries.
          env: { RECONCILE_AFTER: '1h', RECONCILE_EXPIRE_AFTER: '2h', REALTIME_RESYNC_INTERVAL: '1h' },
        });
      }, 60_000);
      afterAll(async () => {
        subscribers.forEach((subscriber) => subscriber.close());
        await deployment?.close();
      });

      it(`then all ${PAYMENTS} updates reach the browsers on every instance, each once`, async () => {
        const [a, b, c] = deployment.instances as [
          Deployment['instances'][number],
          Deployment['instances'][number],
          Deployment['instances'][number],
        ];
        const merchant = merchantClient(a.url, await createProject(a.url, deployment.adminToken));
        const payments: Array<{ id: string; clientSecret: string; checkoutRequestId: string }> = [];
        for (let i = 0; i < PAYMENTS; i += 1) {
          // 0700000005: the simulator never calls back; the callbacks below are the only ones.
          const answer = await merchant({
            method: 'POST',
            path: '/api/v1/transactions/initiate',
            body: initiateBody({ phone: '0700000005' }),
          });
          expect(answer.status).toBe(201);
          payments.push({
            id: answer.data.transaction.id,
            clientSecret: answer.data.clientSecret,
            checkoutRequestId: answer.data.transaction.checkoutRequestId,
          });
        }
        for (const instance of [a, b, c]) {
          const subscriber = await connectSubscriber(instance.url);
          subscribers.push(subscriber);
          for (const payment of payments)
            expect((await subscriber.subscribe(payment.id, payment.clientSecret)).ok).toBe(true);
        }

        const secrets = createTransactionSecrets(createKeyring(Buffer.from(deployment.masterKey, 'hex')));
        for (const [index, payment] of payments.entries()) {
          const path = `${CALLBACK_PATH}/${payment.id}/${secrets.callbackToken(payment.id)}`;
          const answer = await postCallback(
            a.url,
            path,
            successCallback(payment.checkoutRequestId, 10, `UKM${String(index).padStart(7, '0')}`),
          );
          expect(answer.data).toEqual({ ResultCode: 0, ResultDesc: 'Accepted' });
        }

        const completedOn = (subscriber: Subscriber) =>
          subscriber.events.filter((event) => event.status === 'completed').map((event) => event.id);
        for (const subscriber of subscribers) {
          await eventually(
            async () => completedOn(subscriber),
            (ids) => ids.length >= PAYMENTS,
            10_000,
          );
        }
        // A's own browser too: the emit reaches every instance's room from the one that committed,
        // and never once per instance.
        const everyPayment = payments.map((payment) => payment.id).sort();
        for (const subscriber of subscribers) expect(completedOn(subscriber).sort()).toEqual(everyPayment);
      });

      it('then a merchant following its project on one instance hears what another instance committed, once', async () => {
        const [a, b] = deployment.instances as [
          Deployment['instances'][number],
          Deployment['instances'][number],
        ];
        const keys = await createProject(a.url, deployment.adminToken);
        const merchant = merchantClient(a.url, keys);
        const streams: ProjectStream[] = [await connectProjectStream(b.url, keys)];
        try {
          const answer = await merchant({
            method: 'POST',
            path: '/api/v1/transactions/initiate',
            body: initiateBody({ phone: '0700000005' }),
          });
          const payment = answer.data.transaction as { id: string; checkoutRequestId: string };
          const secrets = createTransactionSecrets(createKeyring(Buffer.from(deployment.masterKey, 'hex')));
          await postCallback(
            a.url,
            `${CALLBACK_PATH}/${payment.id}/${secrets.callbackToken(payment.id)}`,
            successCallback(payment.checkoutRequestId, 10, 'UKMSTREAM1'),
          );
          const [stream] = streams as [ProjectStream];
          await stream.waitFor(
            (m) => m.kind === 'event' && m.body.transactionId === payment.id,
            'the event from instance A',
            10_000,
          );
          await stream.waitFor(
            (m) => m.kind === 'callback' && m.body.transactionId === payment.id,
            'the callback from instance A',
            10_000,
          );
          const completions = stream.messages.filter(
            (m) => m.kind === 'transaction' && m.body.transaction.status === 'completed',
          );
          expect(completions.map((m) => m.body.transaction.id)).toEqual([payment.id]);
          expect(stream.messages.filter((m) => m.kind === 'event').length).toBe(1);
        } finally {
          streams.forEach((stream) => stream.close());
        }
      });

      it('then a browser through a balancer without sticky sessions connects (WebSocket first) and sees its payment complete', async () => {
        const merchant = merchantClient(
          deployment.url,
          await createProject(deployment.url, deployment.adminToken),
        );
        // The simulator's callback comes back through the balancer, to any instance.
        const answer = await merchant({
          method: 'POST',
          path: '/api/v1/transactions/initiate',
          body: initiateBody({ phone: '0712345678' }),
        });
        expect(answer.status).toBe(201);
        const statuses: string[] = [];
        const completed = new Promise<void>((resolve) => {
          const subscription = subscribeToTransaction({
            baseUrl: deployment.url,
            transactionId: answer.data.transaction.id,
            clientSecret: answer.data.clientSecret,
            onUpdate: (transaction) => {
              statuses.push(transaction.status);
              if (transaction.status === 'completed') {
                subscription.close();
                resolve();
              }
            },
          });
        });
        await completed;
        expect(statuses.at(-1)).toBe('completed');
      });
    });
  },
);
