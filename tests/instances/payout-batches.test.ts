// Three instances on one PostgreSQL database send one payout batch: each runs its own batch
// worker, and the pace is kept in the database (the batch's next send slot), so the rows go out
// one per pace for the deployment (a pace kept per instance would send up to three), each exactly
// once (Daraja, one simulator outside the processes, counts). Two workers taking the same slot
// at once is tested in tests/payouts/payout-batch.test.ts.
import { describeDeployment, startDeployment, type Deployment } from '../helpers/instances';
import { createProject, merchantClient } from '../helpers/merchant';
import { eventually } from '../helpers/realtime';
import { setPayoutSettings, simulatorStats } from '../helpers/payouts';

const PACE_MS = 300;
const ROWS = 6;
/** How much later one row's claim may land than the next one's on a loaded machine. */
const JITTER_MS = 150;

describeDeployment('when three instances send one payout batch', () => {
  let deployment: Deployment;
  beforeAll(async () => {
    deployment = await startDeployment({
      instances: 3,
      redis: true,
      env: { PAYOUT_BATCH_PACE: `${PACE_MS}ms` },
    });
  }, 120_000);
  afterAll(() => deployment?.close());

  it('then its rows go out one per pace across the instances, each sent exactly once', async () => {
    const server = { url: deployment.url, adminToken: deployment.adminToken };
    const keys = await createProject(deployment.url, deployment.adminToken, 'Batch pace');
    expect((await setPayoutSettings(server, keys.projectId, 'test')).status).toBe(200);
    const merchant = merchantClient(deployment.url, keys);
    const before = await simulatorStats(deployment.simulator.url, '');
    const rows = Array.from({ length: ROWS }, (_, index) => ({
      phone: '0708374149',
      amount: 100 + index,
      remarks: 'Batch pace',
    }));
    const created = await merchant({ method: 'POST', path: '/api/v1/payout-batches', body: { rows } });
    expect(created.status).toBe(201);

    const done = await eventually(
      () => merchant({ method: 'GET', path: `/api/v1/payout-batches/${created.data.batch.id}` }),
      (read) => read.data.batch.status === 'sent' && read.data.batch.counts.succeeded === ROWS,
      30_000,
    );
    expect((await simulatorStats(deployment.simulator.url, '')).b2cRequests - before.b2cRequests).toBe(ROWS);
    const sentAt = (done.data.rows as Array<{ payout: { submittedAt: string } }>).map((row) =>
      Date.parse(row.payout.submittedAt),
    );
    // Three workers each ticking every pace would send up to three rows per pace without the
    // shared slot: rows two apart would go out together. The pace spaces the slots; a row's
    // submittedAt comes a claim later, which a loaded machine can delay by some tens of ms for
    // one row and not the next, so the check spans two paces with that much room.
    const twoApart = sentAt.slice(2).map((at, index) => at - sentAt[index]!);
    expect(Math.min(...twoApart)).toBeGreaterThanOrEqual(2 * PACE_MS - JITTER_MS);
  }, 60_000);
});
