// SIGKILL between the Reversal call and its record: the service is a real child process, Daraja
// a simulator of its own in this test process (so it outlives the kill and remembers the
// reversal). As for payouts (payout-crash.test.ts): Daraja takes the reversal and answers 12 s
// later with MPESA_TIMEOUT_MS at 15 s, so the kill always lands first; its Result is lost, so
// only the service's own question can settle the refund. On restart the refund is asked about
// by Transaction Status on the payment's receipt, never sent again, and ends succeeded with
// the payment reversed.
import axios from 'axios';
import { createLogger } from '../../src/logger';
import { startSimulatorServer, type SimulatorServer } from '../../src/simulator/main';
import { callbackTargets } from '../../src/simulator/simulator.callback-targets';
import { staticDirectory } from '../../src/simulator/simulator.directory';
import { NEXT_REVERSAL_PATH } from '../../src/simulator/simulator.routes';
import { childEnv, startServiceProcess, type ServiceProcess } from '../helpers/child-service';
import { browserFor, createDashboardUser, PASSWORD } from '../helpers/dashboard';
import { createProject, initiateBody, merchantClient, type MerchantRequest } from '../helpers/merchant';
import { setPayoutSettings } from '../helpers/payouts';
import { eventually } from '../helpers/realtime';

const APP = { consumerKey: 'refund-crash-key', consumerSecret: 'refund-crash-secret' };
const SHORTCODE = '600981';
const INITIATOR = { name: 'testapi', password: 'Crash#Reversal7' };
const AMOUNT = 640;

let simulator: SimulatorServer;

beforeAll(async () => {
  simulator = await startSimulatorServer({
    directory: staticDirectory([APP], {
      [SHORTCODE]: { passkey: 'crash-passkey', tills: [], initiators: [INITIATOR] },
    }),
    callbackTargets: callbackTargets([{ origin: 'loopback', pathPrefix: '/api/v1/callbacks/' }]),
    callbackDelayMs: 200,
    // The reversal's answer comes this much later: long, so the kill lands first on a loaded machine.
    lateCallbackMs: 12_000,
    logger: createLogger({ log: { level: 'error', format: 'json' } }, true),
    port: 0,
    host: '127.0.0.1',
  });
});
afterAll(() => simulator.close());

const simulatorStats = async () =>
  (await axios.get(`${simulator.url}/__simulator/stats`)).data as {
    reversalRequests: number;
    transactionStatusQueries: number;
  };

/** Reads four times a second: the per-project rate limit would refuse the helper's 25 ms polls. */
const slowly =
  <T>(read: () => Promise<T>) =>
  () =>
    new Promise((resolve) => setTimeout(resolve, 250)).then(read);

async function completedPayment(merchant: MerchantRequest) {
  const started = await merchant({
    method: 'POST',
    path: '/api/v1/transactions/initiate',
    body: initiateBody({ amount: AMOUNT }),
  });
  expect(started.status).toBe(201);
  const paid = await eventually(
    slowly(() => merchant({ method: 'GET', path: `/api/v1/transactions/${started.data.transaction.id}` })),
    (read) => read.data.transaction?.status === 'completed',
    15_000,
  );
  return paid.data.transaction as { id: string; mpesaReceiptNumber: string };
}

describe('when the service is killed after Daraja took a reversal and before its answer was recorded', () => {
  it('then on restart Transaction Status on the receipt settles the refund, the reversal is never sent again, and the payment is reversed', async () => {
    const env = childEnv({
      MPESA_ENVIRONMENT: 'simulator',
      MPESA_BASE_URL: simulator.url,
      MPESA_CONSUMER_KEY: APP.consumerKey,
      MPESA_CONSUMER_SECRET: APP.consumerSecret,
      MPESA_SHORTCODE: SHORTCODE,
      MPESA_PASSKEY: 'crash-passkey',
      MPESA_INITIATOR_NAME: INITIATOR.name,
      MPESA_INITIATOR_PASSWORD: INITIATOR.password,
      MPESA_TIMEOUT_MS: '15000',
      PAYOUT_RESULT_WAIT: '500ms',
      PAYOUT_STATUS_RETRY_SCHEDULE: '300ms,500ms,1s,1s,2s,2s',
      PAYOUT_RECOVERY_INTERVAL: '100ms',
    });
    let service: ServiceProcess = await startServiceProcess(env);
    try {
      const server = { url: service.url, adminToken: env.ADMIN_TOKEN };
      const keys = await createProject(service.url, env.ADMIN_TOKEN);
      expect((await setPayoutSettings(server, keys.projectId, 'test')).status).toBe(200);
      const merchant = merchantClient(service.url, keys);
      const payment = await completedPayment(merchant);

      const asked = await merchant({
        method: 'POST',
        path: `/api/v1/transactions/${payment.id}/refund`,
        body: { remarks: 'Returned goods' },
      });
      expect(asked.status).toBe(201);
      const refundId = asked.data.refund.id as string;
      const email = 'approver@refund-crash.example';
      const user = await createDashboardUser(server, {
        email,
        password: PASSWORD,
        role: 'member',
        projectIds: [keys.projectId],
      });
      expect(user.status).toBe(201);
      const approver = await browserFor(service.url, email);

      // Daraja takes the reversal at once, answers 12 s later and never posts its Result.
      await axios.put(`${simulator.url}${NEXT_REVERSAL_PATH}?shortcode=${SHORTCODE}`, {
        answer: 'slow',
        result: 'lost',
      });
      const before = await simulatorStats();
      const approving = approver
        .request({
          method: 'POST',
          path: `/api/v1/refunds/${refundId}/approve`,
          project: keys.projectId,
          mode: 'test',
          body: { note: 'Goods came back' },
        })
        .then(
          (answer) => answer.status,
          () => undefined,
        );
      await eventually(
        simulatorStats,
        (stats) => stats.reversalRequests === before.reversalRequests + 1,
        10_000,
      );
      const exited = new Promise((resolve) => service.child.once('exit', resolve));
      service.child.kill('SIGKILL');
      await exited;
      expect(await approving).toBeUndefined();

      service = await startServiceProcess(env);
      const restarted = merchantClient(service.url, keys);
      const afterRestart = await restarted({ method: 'GET', path: `/api/v1/refunds/${refundId}` });
      expect(afterRestart.data.refund.status).toBe('submitted');

      const settled = await eventually(
        slowly(() => restarted({ method: 'GET', path: `/api/v1/refunds/${refundId}` })),
        (read) => read.data.refund?.status === 'succeeded',
        // Asked once the request's deadline (15 s) and the result wait have passed.
        40_000,
      );
      expect(settled.data.refund).toMatchObject({
        status: 'succeeded',
        amount: AMOUNT,
        receipt: payment.mpesaReceiptNumber,
      });
      const stats = await simulatorStats();
      expect(stats.reversalRequests).toBe(before.reversalRequests + 1);
      expect(stats.transactionStatusQueries).toBeGreaterThan(before.transactionStatusQueries);

      const paid = await restarted({ method: 'GET', path: `/api/v1/transactions/${payment.id}` });
      expect(paid.data.transaction.status).toBe('reversed');
      const events = await restarted({ method: 'GET', path: '/api/v1/events' });
      expect(events.data.data.map((event: { type: string }) => event.type)).toContain('transaction.reversed');
    } finally {
      service.child.kill('SIGKILL');
    }
  }, 90_000);
});
