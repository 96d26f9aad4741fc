// Workers cooperate across instances: a change committed on one instance wakes the delivery
// workers of the others (through the adapter, not a shorter poll), and reconciliation keeps
// one STK Query pace per Daraja app for the whole deployment.
import express from 'express';
import axios from 'axios';
import { createTransactionSecrets } from '../../src/security/transaction-secrets';
import { createKeyring } from '../../src/security/vault';
import { CALLBACK_PATH } from '../../src/callbacks/callback.routes';
import { postCallback, successCallback } from '../helpers/callbacks';
import { listenOnLoopback } from '../helpers/fake-daraja';
import { describeDeployment, startDeployment, type Deployment } from '../helpers/instances';
import { createProject, initiateBody, merchantClient } from '../helpers/merchant';
import { eventually } from '../helpers/realtime';

describeDeployment('when the instance that took a callback has no room to deliver its webhook', () => {
  let deployment: Deployment;
  let receiver: Awaited<ReturnType<typeof listenOnLoopback>>;
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  const received: string[] = [];
  beforeAll(async () => {
    // The first delivery is held unanswered: instance A (one delivery at a time) is busy with it.
    const app = express();
    app.post('/hooks', express.text({ type: '*/*' }), async (req, res) => {
      received.push(JSON.parse(req.body as string).data.transaction.id);
      if (received.length === 1) await held;
      res.sendStatus(204);
    });
    receiver = await listenOnLoopback(app);
    deployment = await startDeployment({
      instances: 2,
      redis: false,
      // No poll would find it within the test: only a wake-up can.
      env: { WEBHOOK_POLL_INTERVAL_MS: '60000', RECONCILE_AFTER: '1h', RECONCILE_EXPIRE_AFTER: '2h' },
      perInstance: { 0: { WEBHOOK_CONCURRENCY: '1' } },
    });
  }, 60_000);
  afterAll(async () => {
    release();
    await deployment?.close();
    await receiver?.close();
  });

  it('then another instance, woken at once, delivers it', async () => {
    const a = deployment.instances[0]!;
    const merchant = merchantClient(a.url, await createProject(a.url, deployment.adminToken));
    expect(
      (
        await merchant({
          method: 'POST',
          path: '/api/v1/webhook-endpoints',
          body: { url: `${receiver.url}/hooks` },
        })
      ).status,
    ).toBe(201);
    const secrets = createTransactionSecrets(createKeyring(Buffer.from(deployment.masterKey, 'hex')));
    const pay = async () => {
      const { transaction } = (
        await merchant({
          method: 'POST',
          path: '/api/v1/transactions/initiate',
          body: initiateBody({ phone: '0700000005' }),
        })
      ).data;
      const answer = await postCallback(
        a.url,
        `${CALLBACK_PATH}/${transaction.id}/${secrets.callbackToken(transaction.id)}`,
        successCallback(transaction.checkoutRequestId, 10),
      );
      expect(answer.data.ResultCode).toBe(0);
      return transaction.id as string;
    };
    const first = await pay();
    await eventually(
      async () => received.length,
      (count) => count >= 1,
      5000,
    );
    const second = await pay();
    const seen = await eventually(
      async () => [...received],
      (ids) => ids.includes(second),
      5000,
    );
    expect(seen).toEqual([first, second]);
  });
});

describeDeployment('when three instances reconcile payments of one Daraja app', () => {
  const PER_SECOND = 2;
  const PAYMENTS = 24;
  let deployment: Deployment;
  beforeAll(async () => {
    deployment = await startDeployment({
      instances: 3,
      redis: false,
      env: {
        RECONCILE_QUERIES_PER_SECOND: String(PER_SECOND),
        RECONCILE_AFTER: '1s',
        RECONCILE_EXPIRE_AFTER: '10m',
        RECONCILE_INTERVAL_MS: '200',
      },
      // No callback: every payment stays pending, and every query answers "still in progress".
      simulatorEnv: { SIMULATOR_CALLBACK_DELAY_MS: '3600000' },
    });
  }, 60_000);
  afterAll(() => deployment?.close());

  const stats = async () =>
    (
      await axios.get<{ stkQueries: number; stkQueryPeakPerSecond: number }>(
        `${deployment.simulator.url}/__simulator/stats`,
      )
    ).data;

  it(`then Daraja is asked ${PER_SECOND} times a second in all, not ${PER_SECOND} per instance`, async () => {
    const merchant = merchantClient(
      deployment.url,
      await createProject(deployment.url, deployment.adminToken),
    );
    for (let i = 0; i < PAYMENTS; i += 1) {
      expect(
        (await merchant({ method: 'POST', path: '/api/v1/transactions/initiate', body: initiateBody() }))
          .status,
      ).toBe(201);
    }
    // Measured from the first query on, over a few seconds of every instance wanting to ask.
    await eventually(stats, (s) => s.stkQueries > 0, 10_000);
    const from = { at: Date.now(), count: (await stats()).stkQueries };
    await eventually(
      async () => Date.now(),
      (now) => now - from.at >= 4000,
      6000,
    );
    const to = { at: Date.now(), ...(await stats()) };
    const seconds = (to.at - from.at) / 1000;
    const asked = to.stkQueries - from.count;
    expect(asked).toBeLessThanOrEqual(Math.ceil(PER_SECOND * seconds) + 1);
    expect(asked).toBeGreaterThanOrEqual(Math.floor(PER_SECOND * seconds) - 2);
    expect(to.stkQueryPeakPerSecond).toBeLessThanOrEqual(PER_SECOND + 1);
  }, 30_000);
});
