// SIGKILL in the middle of a payout batch: the service is a real child process, Daraja a
// simulator of its own in this test process (so it outlives the kill and counts every request).
// On restart the batch carries on where its rows stand (its pace and its rows are in the
// database): every row is paid, and Daraja sees each exactly once; a row caught between its
// send and its answer is settled by Transaction Status, never sent again.
import { createLogger } from '../../src/logger';
import { startSimulatorServer, type SimulatorServer } from '../../src/simulator/main';
import { callbackTargets } from '../../src/simulator/simulator.callback-targets';
import { staticDirectory } from '../../src/simulator/simulator.directory';
import { childEnv, startServiceProcess, type ServiceProcess } from '../helpers/child-service';
import { createProject, merchantClient } from '../helpers/merchant';
import { eventually } from '../helpers/realtime';
import { setPayoutSettings, simulatorStats } from '../helpers/payouts';

const APP = { consumerKey: 'batch-crash-key', consumerSecret: 'batch-crash-secret' };
const SHORTCODE = '600981';
const INITIATOR = { name: 'testapi', password: 'Crash#Initiator8' };
const ROWS = 6;

let simulator: SimulatorServer;

beforeAll(async () => {
  simulator = await startSimulatorServer({
    directory: staticDirectory([APP], {
      [SHORTCODE]: { passkey: 'crash-passkey', tills: [], initiators: [INITIATOR] },
    }),
    callbackTargets: callbackTargets([{ origin: 'loopback', pathPrefix: '/api/v1/callbacks/' }]),
    callbackDelayMs: 200,
    lateCallbackMs: 12_000,
    logger: createLogger({ log: { level: 'error', format: 'json' } }, true),
    port: 0,
    host: '127.0.0.1',
  });
});
afterAll(() => simulator.close());

describe('when the service is killed while a payout batch is going out', () => {
  it('then on restart the batch carries on, every row is paid, and Daraja sees each row exactly once', async () => {
    const env = childEnv({
      MPESA_ENVIRONMENT: 'simulator',
      MPESA_BASE_URL: simulator.url,
      MPESA_CONSUMER_KEY: APP.consumerKey,
      MPESA_CONSUMER_SECRET: APP.consumerSecret,
      MPESA_SHORTCODE: SHORTCODE,
      MPESA_PASSKEY: 'crash-passkey',
      MPESA_INITIATOR_NAME: INITIATOR.name,
      MPESA_INITIATOR_PASSWORD: INITIATOR.password,
      MPESA_TIMEOUT_MS: '2000',
      PAYOUT_RESULT_WAIT: '500ms',
      PAYOUT_STATUS_RETRY_SCHEDULE: '300ms,500ms,1s,1s,2s,2s',
      PAYOUT_RECOVERY_INTERVAL: '100ms',
      PAYOUT_BATCH_PACE: '400ms',
    });
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
