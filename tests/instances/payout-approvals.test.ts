// Three instances on one PostgreSQL database, three approvers clicking "approve" on the same
// payout at once, each on another instance: the compare-and-set that is the one send lets one
// through, and Daraja (one simulator outside the processes) sees one request.
import { describeDeployment, startDeployment, type Deployment } from '../helpers/instances';
import { browserFor, createDashboardUser, PASSWORD } from '../helpers/dashboard';
import { createProject, merchantClient } from '../helpers/merchant';
import { eventually } from '../helpers/realtime';
import { payoutBody, setPayoutSettings, simulatorStats } from '../helpers/payouts';

describeDeployment('when three instances race to approve one payout', () => {
  let deployment: Deployment;
  beforeAll(async () => {
    deployment = await startDeployment({ instances: 3, redis: true });
  }, 120_000);
  afterAll(() => deployment?.close());

  it('then exactly one approval sends it, the others are told it is no longer awaiting approval, and Daraja sees one request', async () => {
    const server = { url: deployment.url, adminToken: deployment.adminToken };
    const keys = await createProject(deployment.url, deployment.adminToken, 'Approvals race');
    expect((await setPayoutSettings(server, keys.projectId, 'test', { approval: 'all' })).status).toBe(200);
    const merchant = merchantClient(deployment.url, keys);
    const created = await merchant({ method: 'POST', path: '/api/v1/payouts', body: payoutBody() });
    expect(created.data.payout.status).toBe('awaiting_approval');

    const browsers = await Promise.all(
      deployment.instances.map(async (instance, index) => {
        const email = `approver${index}@race.example`;
        await createDashboardUser(server, { email, password: PASSWORD, projectIds: [keys.projectId] });
        return browserFor(instance.url, email);
      }),
    );
    const before = await simulatorStats(deployment.simulator.url, '');
    const answers = await Promise.all(
      browsers.map((browser) =>
        browser.request({
          method: 'POST',
          path: `/api/v1/payouts/${created.data.payout.id}/approve`,
          body: {},
        }),
      ),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409, 409]);
    expect(answers.filter((answer) => answer.status === 409).map((answer) => answer.data.error.code)).toEqual(
      ['payout_not_awaiting_approval', 'payout_not_awaiting_approval'],
    );

    const settled = await eventually(
      () => merchant({ method: 'GET', path: `/api/v1/payouts/${created.data.payout.id}` }),
      (read) => read.data.payout.status === 'succeeded',
      15_000,
    );
    expect(settled.data.payout.approval.decision).toBe('approved');
    expect((await simulatorStats(deployment.simulator.url, '')).b2cRequests - before.b2cRequests).toBe(1);
  }, 60_000);
});
