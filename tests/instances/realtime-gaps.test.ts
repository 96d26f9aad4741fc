// A browser following a payment ends on its final state whatever happens to the bus between
// instances. The change is committed on one instance and the browser is on another; the bus
// (Redis, reached through links the test breaks, never by stopping the shared Redis) loses
// the emit: either both instances lose Redis for a while (a restart: the follower's instance
// reconnects and sends its rooms the current state), or only the committing instance does (no
// reconnect to hear of on the follower's side: its periodic resync sends the change).
import { CALLBACK_PATH } from '../../src/callbacks/callback.routes';
import { createTransactionSecrets } from '../../src/security/transaction-secrets';
import { createKeyring } from '../../src/security/vault';
import { postCallback, successCallback } from '../helpers/callbacks';
import { describeDeployment, REDIS_URL, startDeployment, type Deployment } from '../helpers/instances';
import { startFaultyLink, type FaultyLink } from '../helpers/faulty-link';
import { createProject, initiateBody, merchantClient } from '../helpers/merchant';
import { connectSubscriber, type Subscriber } from '../helpers/realtime';

describeDeployment('when the bus between instances loses a payment change', () => {
  let links: FaultyLink[] = [];
  let deployment: Deployment | undefined;
  let subscriber: Subscriber | undefined;
  afterEach(async () => {
    subscriber?.close();
    await deployment?.close();
    await Promise.all(links.map((link) => link.close()));
    links = [];
  });

  async function start(resyncInterval: string) {
    links = [await startFaultyLink(6379), await startFaultyLink(6379)];
    deployment = await startDeployment({
      instances: 2,
      redis: true,
      env: { RECONCILE_AFTER: '1h', RECONCILE_EXPIRE_AFTER: '2h', REALTIME_RESYNC_INTERVAL: resyncInterval },
      perInstance: {
        0: { REDIS_URL: links[0]!.through(REDIS_URL) },
        1: { REDIS_URL: links[1]!.through(REDIS_URL) },
      },
    });
    const [a, b] = deployment.instances as [Deployment['instances'][0], Deployment['instances'][0]];
    const merchant = merchantClient(a.url, await createProject(a.url, deployment.adminToken));
    // 0700000005: the simulator never calls back; the test posts the callback.
    const answer = await merchant({
      method: 'POST',
      path: '/api/v1/transactions/initiate',
      body: initiateBody({ phone: '0700000005' }),
    });
    expect(answer.status).toBe(201);
    const payment = answer.data as {
      transaction: { id: string; checkoutRequestId: string };
      clientSecret: string;
    };
    subscriber = await connectSubscriber(b.url);
    expect((await subscriber.subscribe(payment.transaction.id, payment.clientSecret)).ok).toBe(true);
    await subscriber.waitForStatus('pending');
    const secrets = createTransactionSecrets(createKeyring(Buffer.from(deployment.masterKey, 'hex')));
    const settle = async () => {
      const { id, checkoutRequestId } = payment.transaction;
      const callback = await postCallback(
        a.url,
        `${CALLBACK_PATH}/${id}/${secrets.callbackToken(id)}`,
        successCallback(checkoutRequestId, 10, 'UKM0BUSGAP1'),
      );
      expect(callback.data).toEqual({ ResultCode: 0, ResultDesc: 'Accepted' });
    };
    return { settle };
  }

  it('when Redis is cut for both instances while the callback is taken, then the browser on the other instance gets completed once Redis is back', async () => {
    // No periodic resync within the test: only the reconnect can carry it.
    const { settle } = await start('1h');
    links.forEach((link) => link.cut());
    await settle();
    links.forEach((link) => link.restore());
    expect((await subscriber!.waitForStatus('completed', 20_000)).status).toBe('completed');
  }, 60_000);

  it('when only the committing instance loses Redis, then the browser on the other instance still gets completed', async () => {
    const { settle } = await start('1s');
    links[0]!.cut();
    await settle();
    expect((await subscriber!.waitForStatus('completed', 20_000)).status).toBe('completed');
    links[0]!.restore();
  }, 60_000);
});
