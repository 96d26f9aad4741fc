// SIGKILL between the Reversal call and its record: the service is a real child process, Daraja
// a simulator of its own in this test process (so it outlives the kill and remembers the
// reversal). As for payouts (payout-crash.test.ts): Daraja takes the reversal and answers 12 s
// later with MPESA_TIMEOUT_MS at 15 s, so the kill always lands first; its Result is lost, so
// only the service's own question can settle the refund. On restart the refund is asked about
// by Transaction Status on the payment's receipt, never sent again, and ends succeeded with
// the payment reversed.
import axios from 'axios';
import type { SimulatorServer } from '../../src/simulator/main';
import { NEXT_REVERSAL_PATH } from '../../src/simulator/simulator.routes';
import { startServiceProcess, type ServiceProcess } from '../helpers/child-service';
import { crashServiceEnv, startCrashDaraja, type CrashAccount } from '../helpers/crash-daraja';
import { browserFor, createDashboardUser, PASSWORD } from '../helpers/dashboard';
import { createProject, initiateBody, merchantClient, type MerchantRequest } from '../helpers/merchant';
import { setPayoutSettings } from '../helpers/payouts';
import { eventually } from '../helpers/realtime';

const ACCOUNT: CrashAccount = {
  app: { consumerKey: 'refund-crash-key', consumerSecret: 'refund-crash-secret' },
  shortcode: '600981',
  initiator: { name: 'testapi', password: 'Crash#Reversal7' },
};
const AMOUNT = 640;

let simulator: SimulatorServer;

beforeAll(async () => {
  simulator = await startCrashDaraja(ACCOUNT);
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
    const env = crashServiceEnv(simulator, ACCOUNT);
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
      await axios.put(`${simulator.url}${NEXT_REVERSAL_PATH}?shortcode=${ACCOUNT.shortcode}`, {
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
