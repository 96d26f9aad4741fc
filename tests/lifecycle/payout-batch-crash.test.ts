// SIGKILL in the middle of a payout batch: the service is a real child process, Daraja a
// simulator of its own in this test process (so it outlives the kill and counts every request).
// On restart the batch carries on where its rows stand (its pace and its rows are in the
// database): every row is paid, and Daraja sees each exactly once; a row caught between its
// send and its answer is settled by Transaction Status, never sent again.
import type { SimulatorServer } from '../../src/simulator/main';
import { startServiceProcess, type ServiceProcess } from '../helpers/child-service';
import { crashServiceEnv, startCrashDaraja, type CrashAccount } from '../helpers/crash-daraja';
import { createProject, merchantClient } from '../helpers/merchant';
import { eventually } from '../helpers/realtime';
import { setPayoutSettings, simulatorStats } from '../helpers/payouts';

const ACCOUNT: CrashAccount = {
  app: { consumerKey: 'batch-crash-key', consumerSecret: 'batch-crash-secret' },
  shortcode: '600981',
  initiator: { name: 'testapi', password: 'Crash#Initiator8' },
};
const ROWS = 6;

let simulator: SimulatorServer;

beforeAll(async () => {
  simulator = await startCrashDaraja(ACCOUNT);
});
afterAll(() => simulator.close());

describe('when the service is killed while a payout batch is going out', () => {
  it('then on restart the batch carries on, every row is paid, and Daraja sees each row exactly once', async () => {
    const env = crashServiceEnv(simulator, ACCOUNT, { MPESA_TIMEOUT_MS: '2000', PAYOUT_BATCH_PACE: '400ms' });
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
      const rows = Array.from({ length: ROWS }, (_, index) => ({
        phone: '0708374149',
        amount: 100 + index,
        remarks: 'Crash batch',
      }));
      const created = await merchant({ method: 'POST', path: '/api/v1/payout-batches', body: { rows } });
      expect(created.status).toBe(201);
      const id = created.data.batch.id as string;

      await eventually(
        () => simulatorStats(simulator.url, ''),
        (stats) => stats.b2cRequests >= 2,
        10_000,
      );
      const exited = new Promise((resolve) => service.child.once('exit', resolve));
      service.child.kill('SIGKILL');
      await exited;
      const sentBeforeKill = (await simulatorStats(simulator.url, '')).b2cRequests;
      expect(sentBeforeKill).toBeLessThan(ROWS);

      service = await startServiceProcess(env);
      const restarted = merchantClient(service.url, keys);
      const done = await eventually(
        // Read four times a second: the per-project rate limit would refuse the helper's 25 ms polls.
        () =>
          new Promise((resolve) => setTimeout(resolve, 250)).then(() =>
            restarted({ method: 'GET', path: `/api/v1/payout-batches/${id}` }),
          ),
        (read) => read.data.batch?.status === 'sent' && read.data.batch.counts.succeeded === ROWS,
        40_000,
      );
      expect(done.data.batch.counts).toEqual({ succeeded: ROWS });
      expect((await simulatorStats(simulator.url, '')).b2cRequests).toBe(ROWS);
    } finally {
      service.child.kill('SIGKILL');
    }
  }, 90_000);
});
