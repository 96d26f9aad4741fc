// SIGKILL between the Daraja call and its record: the service is a real child process, Daraja a
// simulator of its own in this test process (so it outlives the kill and remembers the payout).
// On restart the service asks before it acts: Transaction Status by the payout's
// OriginatorConversationID settles it, and Daraja never sees a second request for it.
import axios from 'axios';
import type { SimulatorServer } from '../../src/simulator/main';
import { phoneForB2cOutcome } from '../../src/simulator/simulator.b2c-outcomes';
import { startServiceProcess, type ServiceProcess } from '../helpers/child-service';
import { crashServiceEnv, startCrashDaraja, type CrashAccount } from '../helpers/crash-daraja';
import { createProject, merchantClient } from '../helpers/merchant';
import { eventually } from '../helpers/realtime';
import { payoutBody, setPayoutSettings, simulatorStats } from '../helpers/payouts';

const ACCOUNT: CrashAccount = {
  app: { consumerKey: 'crash-test-key', consumerSecret: 'crash-test-secret' },
  shortcode: '600980',
  initiator: { name: 'testapi', password: 'Crash#Initiator7' },
};

let simulator: SimulatorServer;

beforeAll(async () => {
  simulator = await startCrashDaraja(ACCOUNT);
});
afterAll(() => simulator.close());

describe('when the service is killed after Daraja took a payout and before its answer was recorded', () => {
  it('then on restart Transaction Status settles it, the payout is never sent again, and the merchant learns the outcome', async () => {
    const env = crashServiceEnv(simulator, ACCOUNT);
    let service: ServiceProcess = await startServiceProcess(env);
    try {
      const keys = await createProject(service.url, env.ADMIN_TOKEN);
      const set = await setPayoutSettings(
        { url: service.url, adminToken: env.ADMIN_TOKEN },
        keys.projectId,
        'test',
      );
      expect(set.status).toBe(200);
      const merchant = merchantClient(service.url, keys);

      // Daraja takes the request at once and answers it 12 s later: the kill lands in between.
      const pending = merchant({
        method: 'POST',
        path: '/api/v1/payouts',
        body: payoutBody({ phone: phoneForB2cOutcome('payout-answer-slow') }),
      }).catch(() => undefined);
      await eventually(
        () => simulatorStats(simulator.url, ''),
        (stats) => stats.b2cRequests === 1,
        10_000,
      );
      const exited = new Promise((resolve) => service.child.once('exit', resolve));
      service.child.kill('SIGKILL');
      await exited;
      expect(await pending).toBeUndefined();

      service = await startServiceProcess(env);
      const restarted = merchantClient(service.url, keys);
      const list = await restarted({ method: 'GET', path: '/api/v1/payouts' });
      expect(list.data.data).toHaveLength(1);
      const id = list.data.data[0].id as string;

      const settled = await eventually(
        // Read four times a second: the per-project rate limit would refuse the helper's 25 ms polls.
        () =>
          new Promise((resolve) => setTimeout(resolve, 250)).then(() =>
            restarted({ method: 'GET', path: `/api/v1/payouts/${id}` }),
          ),
        (read) => read.data.payout?.status === 'succeeded',
        // Asked once the request's deadline (15 s) and the result wait have passed.
        40_000,
      );
      expect(settled.data.payout).toMatchObject({ status: 'succeeded', amount: 1500 });
      expect(settled.data.payout.mpesaReceiptNumber).toMatch(/^[A-Z0-9]{10}$/);
      const stats = await simulatorStats(simulator.url, '');
      expect(stats.b2cRequests).toBe(1);
      expect(stats.transactionStatusQueries).toBeGreaterThanOrEqual(1);

      const history = await restarted({ method: 'GET', path: `/api/v1/payouts/${id}/history` });
      expect(
        history.data.statusChanges.map((change: { toStatus: string; source: string }) => [
          change.toStatus,
          change.source,
        ]),
      ).toEqual([
        ['requested', 'request'],
        ['submitted', 'send'],
        ['unknown', 'answer_lost'],
        ['succeeded', 'status_query'],
      ]);
      const events = await restarted({ method: 'GET', path: '/api/v1/events' });
      expect(events.data.data.map((event: { type: string }) => event.type).sort()).toEqual([
        'payout.succeeded',
        'payout.unknown',
      ]);
      // The simulator still holds the balance it paid out once.
      const balance = await axios.get(`${simulator.url}/__simulator/balances?shortcode=${ACCOUNT.shortcode}`);
      expect(balance.data.utility).toBe(1_000_000 - 1500);
    } finally {
      service.child.kill('SIGKILL');
    }
  }, 60_000);
});
