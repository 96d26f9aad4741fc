// GET /metrics, on each instance's own metrics address: the counters, summed over the
// instances as Prometheus would, match what the test sent through the balancer.
import axios from 'axios';
import { createTransactionSecrets } from '../../src/security/transaction-secrets';
import { createKeyring } from '../../src/security/vault';
import { CALLBACK_PATH } from '../../src/callbacks/callback.routes';
import { postCallback, successCallback } from '../helpers/callbacks';
import { describeDeployment, startDeployment, sumMetric, type Deployment } from '../helpers/instances';
import { createProject, initiateBody, merchantClient } from '../helpers/merchant';
import { connectSubscriber, eventually } from '../helpers/realtime';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver';

const PAYMENTS = 6;
const CALLBACK_ROUTE = `${CALLBACK_PATH}/|${CALLBACK_PATH}/:transactionId/:token`;

describeDeployment('when payments flow through two instances and Prometheus scrapes both', () => {
  let deployment: Deployment;
  let hooks: WebhookReceiver;
  beforeAll(async () => {
    hooks = await startWebhookReceiver();
    deployment = await startDeployment({
      instances: 2,
      redis: true,
      env: { RECONCILE_AFTER: '1h', RECONCILE_EXPIRE_AFTER: '2h' },
    });
  }, 60_000);
  afterAll(async () => {
    await deployment?.close();
    await hooks?.close();
  });

  it('then callbacks, webhooks, Daraja calls and requests add up to what was sent, and the gauges show sockets and pool', async () => {
    const merchant = merchantClient(
      deployment.url,
      await createProject(deployment.url, deployment.adminToken),
    );
    expect(
      (await merchant({ method: 'POST', path: '/api/v1/webhook-endpoints', body: { url: hooks.url } }))
        .status,
    ).toBe(201);
    const secrets = createTransactionSecrets(createKeyring(Buffer.from(deployment.masterKey, 'hex')));
    for (let i = 0; i < PAYMENTS; i += 1) {
      const { transaction } = (
        await merchant({
          method: 'POST',
          path: '/api/v1/transactions/initiate',
          body: initiateBody({ phone: '0700000005' }),
        })
      ).data;
      const path = `${CALLBACK_PATH}/${transaction.id}/${secrets.callbackToken(transaction.id)}`;
      expect(
        (
          await postCallback(
            deployment.url,
            path,
            successCallback(transaction.checkoutRequestId, 10, `MET${i}`),
          )
        ).data.ResultCode,
      ).toBe(0);
    }
    // One callback no payment vouches for: kept as an orphan.
    expect(
      (
        await postCallback(
          deployment.url,
          `${CALLBACK_PATH}/txn_nobody/wrongtoken`,
          successCallback('ws_CO_nobody', 10),
        )
      ).data.ResultCode,
    ).toBe(0);
    await hooks.waitForAccepted(PAYMENTS);
    const socket = await connectSubscriber(deployment.instances[1]!.url);

    const { instances } = deployment;
    try {
      expect(await sumMetric(instances, 'mpesa_bridge_callbacks_received_total')).toBe(PAYMENTS + 1);
      expect(
        await sumMetric(instances, 'mpesa_bridge_callbacks_processed_total', { outcome: 'applied' }),
      ).toBe(PAYMENTS);
      expect(
        await sumMetric(instances, 'mpesa_bridge_callbacks_processed_total', { outcome: 'orphan' }),
      ).toBe(1);
      expect(
        await sumMetric(instances, 'mpesa_bridge_http_requests_total', {
          route: CALLBACK_ROUTE,
          status: '200',
        }),
      ).toBe(PAYMENTS + 1);
      expect(
        await sumMetric(instances, 'mpesa_bridge_http_requests_total', {
          route: '/api/v1/transactions/initiate',
          method: 'POST',
          status: '201',
        }),
      ).toBe(PAYMENTS);
      expect(
        await sumMetric(instances, 'mpesa_bridge_http_request_duration_seconds_count', {
          route: '/api/v1/transactions/initiate',
        }),
      ).toBe(PAYMENTS);
      expect(
        await sumMetric(instances, 'mpesa_bridge_daraja_calls_total', {
          endpoint: 'stk_push',
          outcome: 'ok',
        }),
      ).toBe(PAYMENTS);
      await eventually(
        () => sumMetric(instances, 'mpesa_bridge_webhook_attempts_total', { outcome: 'succeeded' }),
        (count) => count === PAYMENTS,
        5000,
      );
      expect(
        await sumMetric(instances, 'mpesa_bridge_webhook_attempts_total', { outcome: 'succeeded' }),
      ).toBe(PAYMENTS);
      expect(await sumMetric(instances, 'mpesa_bridge_webhook_attempt_lag_seconds_count')).toBe(PAYMENTS);
      expect(await sumMetric([instances[1]!], 'mpesa_bridge_socketio_connections')).toBe(1);
      expect(await sumMetric(instances, 'mpesa_bridge_db_pool_connections', { state: 'max' })).toBe(
        2 * Number(deployment.env.DATABASE_POOL_SIZE),
      );
    } finally {
      socket.close();
    }
  });

  it('then the metrics address answers nothing else, in the one error shape, and the API port has no /metrics', async () => {
    const other = await axios.get(deployment.instances[0]!.metricsUrl!.replace('/metrics', '/ready'), {
      validateStatus: () => true,
    });
    expect(other.status).toBe(404);
    expect(other.data.error.code).toBe('route_not_found');
    expect((await axios.get(`${deployment.url}/metrics`, { validateStatus: () => true })).status).toBe(404);
  });
});
