// Money out is guarded by design: off until an operator turns it on, capped per payout and per
// day, Daraja's bounds enforced, approved by a second person (never an API key, never the
// requester), sent once however many approvals race, and every request, refusal and decision
// audited. Over real HTTP; SQLite by default, PostgreSQL with TEST_DATABASE_URL.
import axios from 'axios';
import { startTestServer, type TestServer } from '../helpers/server';
import { browserFor, createDashboardUser, PASSWORD, type DashboardBrowser } from '../helpers/dashboard';
import { eventually } from '../helpers/realtime';
import { accountBody, startRecordingDaraja, type RecordingDaraja } from '../helpers/accounts';
import {
  payoutBody,
  payoutProject,
  setPayoutSettings,
  simulatorStats,
  type PayoutProject,
} from '../helpers/payouts';

let server: TestServer;
// Daraja's sandbox as the simulator plays it, for the one sandbox account a test key may hold.
const SANDBOX_APP = { consumerKey: 'sandbox-app-key', consumerSecret: 'sandbox-app-secret' };
let sandbox: RecordingDaraja;

beforeAll(async () => {
  sandbox = await startRecordingDaraja([SANDBOX_APP], {
    '600300': { passkey: 'sandbox-passkey', tills: [] },
  });
  server = await startTestServer({ MPESA_SANDBOX_BASE_URL: sandbox.url });
});
afterAll(async () => {
  await server.close();
  await sandbox.close();
});

const create = (shop: PayoutProject, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  shop.merchant({ method: 'POST', path: '/api/v1/payouts', body, headers });

const auditOf = async (shop: PayoutProject) =>
  (await shop.merchant({ method: 'GET', path: '/api/v1/payouts/audit' })).data.data as Array<{
    action: string;
    outcome: string;
    code: string | null;
    actor: string;
    payoutId: string | null;
  }>;

let userCount = 0;
async function userOf(
  shop: PayoutProject,
  role: 'operator' | 'member' = 'member',
): Promise<DashboardBrowser> {
  userCount += 1;
  const email = `approver${userCount}-${Date.now()}@shop.example`;
  const created = await createDashboardUser(server, {
    email,
    password: PASSWORD,
    role,
    projectIds: [shop.projectId],
  });
  expect(created.status).toBe(201);
  return browserFor(server.url, email);
}

describe('POST /api/v1/payouts: the safety settings', () => {
  it('when the operator has not turned payouts on, then the payout is refused with payouts_disabled, audited, and nothing reaches Daraja', async () => {
    const shop = await payoutProject(server, false);
    const before = await simulatorStats(server.url);
    const response = await create(shop, payoutBody());
    expect(response.status).toBe(403);
    expect(response.data.error.code).toBe('payouts_disabled');
    expect((await simulatorStats(server.url)).b2cRequests).toBe(before.b2cRequests);
    expect(await auditOf(shop)).toEqual([
      expect.objectContaining({ action: 'payout.refused', outcome: 'refused', code: 'payouts_disabled' }),
    ]);
    const settings = await shop.merchant({ method: 'GET', path: '/api/v1/payouts/settings' });
    expect(settings.data.settings).toMatchObject({ enabled: false, approval: 'none', updatedBy: null });
  });

  it('when a merchant key tries to change its own payout settings, then it cannot: the settings route takes the operator only', async () => {
    const shop = await payoutProject(server, false);
    const response = await axios.put(
      `${server.url}/api/v1/projects/${shop.projectId}/payout-settings`,
      { mode: 'test', enabled: true, perPayoutMax: 250_000, dailyMax: 1_000_000, approval: 'none' },
      { validateStatus: () => true },
    );
    expect(response.status).toBe(401);
    expect(response.data.error.code).toBe('admin_unauthorized');
    // The operator's own change is in the operators' audit trail too, with what it set.
    expect((await setPayoutSettings(server, shop.projectId, 'test', { dailyMax: 300_000 })).status).toBe(200);
    const trail = await axios.get(`${server.url}/api/v1/audit?projectId=${shop.projectId}`, {
      headers: { Authorization: `Bearer ${server.adminToken}` },
    });
    expect(trail.data.data).toContainEqual(
      expect.objectContaining({
        action: 'payout_settings.updated',
        details: expect.objectContaining({ mode: 'test', enabled: true, dailyMax: 300_000 }),
      }),
    );
  });

  it("when the amount is outside Daraja's KES 10 – 250,000 or the phone is not a Kenyan mobile, then 400 validation_failed names the field", async () => {
    const shop = await payoutProject(server);
    for (const [body, field] of [
      [payoutBody({ amount: 9 }), 'amount'],
      [payoutBody({ amount: 250_001 }), 'amount'],
      [payoutBody({ amount: 10.5 }), 'amount'],
      [payoutBody({ phone: '0201234567' }), 'phone'],
      [payoutBody({ purpose: 'Withdrawal' }), 'purpose'],
      [payoutBody({ remarks: 'x' }), 'remarks'],
    ] as const) {
      const response = await create(shop, body);
      expect(response.status).toBe(400);
      expect(response.data.error).toMatchObject({ code: 'validation_failed' });
      expect(response.data.error.details.fields[0].field).toBe(field);
    }
  });

  it('when a payout is over the per-payout cap, or would take the day past the daily cap, then 422 payout_cap_exceeded says which', async () => {
    const shop = await payoutProject(server, { perPayoutMax: 1000, dailyMax: 1500 });
    const over = await create(shop, payoutBody({ amount: 1001 }));
    expect(over.status).toBe(422);
    expect(over.data.error).toMatchObject({
      code: 'payout_cap_exceeded',
      details: { cap: 'per_payout', limit: 1000 },
    });
    expect((await create(shop, payoutBody({ amount: 1000 }))).status).toBe(201);
    const daily = await create(shop, payoutBody({ amount: 600 }));
    expect(daily.status).toBe(422);
    expect(daily.data.error.details).toMatchObject({ cap: 'daily', limit: 1500, usedToday: 1000 });
    const refusals = (await auditOf(shop)).filter((entry) => entry.action === 'payout.refused');
    expect(refusals).toHaveLength(2);
  });

  it('when ten payouts race for a daily cap that holds three, then exactly three are stored', async () => {
    const shop = await payoutProject(server, { perPayoutMax: 1000, dailyMax: 3000 });
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => create(shop, payoutBody({ amount: 1000, remarks: `Race ${i}` }))),
    );
    expect(answers.filter((answer) => answer.status === 201)).toHaveLength(3);
    expect(answers.filter((answer) => answer.status === 422)).toHaveLength(7);
  });

  it('when payout calls must come from listed addresses, then a signed call from elsewhere is refused with payout_source_forbidden', async () => {
    const shop = await payoutProject(server, { allowedIps: ['203.0.113.0/24'] });
    const refused = await create(shop, payoutBody());
    expect(refused.status).toBe(403);
    expect(refused.data.error.code).toBe('payout_source_forbidden');
    await setPayoutSettings(server, shop.projectId, 'test', { allowedIps: ['127.0.0.1', '::1'] });
    expect((await create(shop, payoutBody())).status).toBe(201);
  });

  it('when a test key names a sandbox account, then it cannot pay out (test keys reach the simulator only)', async () => {
    const shop = await payoutProject(server);
    const account = await shop.merchant({
      method: 'POST',
      path: '/api/v1/mpesa-accounts',
      body: accountBody({
        ...SANDBOX_APP,
        environment: 'sandbox',
        name: 'Sandbox B2C',
        shortcode: '600300',
        passkey: 'sandbox-passkey',
        initiatorName: 'testapi',
        initiatorPassword: 'sandbox-password',
      }),
    });
    expect(account.status).toBe(201);
    const response = await create(shop, payoutBody({ account: account.data.account.id }));
    expect(response.status).toBe(422);
    expect(response.data.error).toMatchObject({
      code: 'payout_account_unsupported',
      details: { reason: 'test_key_outside_simulator', environment: 'sandbox' },
    });
  });

  it('when the account has no initiator, then 409 mpesa_initiator_missing, audited, and nothing is sent', async () => {
    const shop = await payoutProject(server);
    const bare = await shop.merchant({
      method: 'POST',
      path: '/api/v1/mpesa-accounts',
      body: accountBody({ name: 'No initiator', shortcode: '600200' }),
    });
    const response = await create(shop, payoutBody({ account: bare.data.account.id }));
    expect(response.status).toBe(409);
    expect(response.data.error).toMatchObject({
      code: 'mpesa_initiator_missing',
      details: { missing: ['initiatorName', 'initiatorPassword'] },
    });
    expect((await auditOf(shop)).map((entry) => entry.code)).toContain('mpesa_initiator_missing');
  });
});

describe('POST /api/v1/payouts: Idempotency-Key', () => {
  it('when the same request is sent five times at once with one Idempotency-Key, then one payout is made and sent once', async () => {
    const shop = await payoutProject(server);
    const before = await simulatorStats(server.url);
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        create(shop, payoutBody({ amount: 777 }), { 'Idempotency-Key': 'refund-777' }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(answers.map((answer) => answer.data.payout.id)).size).toBe(1);
    expect((await simulatorStats(server.url)).b2cRequests - before.b2cRequests).toBe(1);
    const list = await shop.merchant({ method: 'GET', path: '/api/v1/payouts' });
    expect(list.data.data).toHaveLength(1);
  });

  it('when the key is reused with another body, then 409 idempotency_key_reused and nothing is sent', async () => {
    const shop = await payoutProject(server);
    expect((await create(shop, payoutBody({ amount: 100 }), { 'Idempotency-Key': 'k-1' })).status).toBe(201);
    const before = await simulatorStats(server.url);
    const reused = await create(shop, payoutBody({ amount: 200 }), { 'Idempotency-Key': 'k-1' });
    expect(reused.status).toBe(409);
    expect(reused.data.error.code).toBe('idempotency_key_reused');
    expect((await simulatorStats(server.url)).b2cRequests).toBe(before.b2cRequests);
  });
});

describe('POST /api/v1/payouts/{id}/approve', () => {
  it('when the policy wants approval, then the payout waits, an API key cannot approve it, and a dashboard user can', async () => {
    const shop = await payoutProject(server, { approval: 'all' });
    const before = await simulatorStats(server.url);
    const created = await create(shop, payoutBody());
    expect(created.data.payout).toMatchObject({ status: 'awaiting_approval', approval: { decision: null } });
    expect((await simulatorStats(server.url)).b2cRequests).toBe(before.b2cRequests);

    const byKey = await shop.merchant({
      method: 'POST',
      path: `/api/v1/payouts/${created.data.payout.id}/approve`,
      body: {},
    });
    // Approving takes a dashboard session: a signature (the key that asked) opens nothing there.
    expect(byKey.status).toBe(401);
    expect(byKey.data.error.code).toBe('session_invalid');

    const approver = await userOf(shop);
    const approved = await approver.request({
      method: 'POST',
      path: `/api/v1/payouts/${created.data.payout.id}/approve`,
      body: { note: 'Checked the invoice' },
      project: shop.projectId,
      mode: 'test',
    });
    expect(approved.status).toBe(200);
    expect(approved.data.payout).toMatchObject({
      status: 'submitted',
      approval: { decision: 'approved', decidedBy: expect.stringMatching(/^user:usr_/) },
    });
    expect((await simulatorStats(server.url)).b2cRequests - before.b2cRequests).toBe(1);
    const audit = await auditOf(shop);
    expect(audit.map((entry) => entry.action)).toEqual(
      expect.arrayContaining(['payout.requested', 'payout.approved']),
    );
  });

  it('when the user who asked for the payout approves it, then 403 (four eyes), audited', async () => {
    const shop = await payoutProject(server, { approval: 'above', approvalAbove: 1000 });
    const requester = await userOf(shop);
    const small = await requester.request({
      method: 'POST',
      path: '/api/v1/payouts',
      body: payoutBody({ amount: 1000 }),
      project: shop.projectId,
      mode: 'test',
    });
    expect(small.data.payout.status).toBe('submitted');
    const big = await requester.request({
      method: 'POST',
      path: '/api/v1/payouts',
      body: payoutBody({ amount: 1001 }),
      project: shop.projectId,
      mode: 'test',
    });
    expect(big.data.payout).toMatchObject({
      status: 'awaiting_approval',
      requestedBy: expect.stringMatching(/^user:/),
    });
    const self = await requester.request({
      method: 'POST',
      path: `/api/v1/payouts/${big.data.payout.id}/approve`,
      body: {},
      project: shop.projectId,
      mode: 'test',
    });
    expect(self.status).toBe(403);
    expect(self.data.error.details.reason).toBe('requester');
    expect((await auditOf(shop)).filter((entry) => entry.action === 'payout.approval_refused')).toHaveLength(
      1,
    );
  });

  it('when three approvers approve at once, then one send happens and the others get payout_not_awaiting_approval', async () => {
    const shop = await payoutProject(server, { approval: 'all' });
    const created = await create(shop, payoutBody());
    const approvers = await Promise.all([userOf(shop), userOf(shop), userOf(shop)]);
    const before = await simulatorStats(server.url);
    const answers = await Promise.all(
      approvers.map((approver) =>
        approver.request({
          method: 'POST',
          path: `/api/v1/payouts/${created.data.payout.id}/approve`,
          body: {},
          project: shop.projectId,
          mode: 'test',
        }),
      ),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409, 409]);
    expect((await simulatorStats(server.url)).b2cRequests - before.b2cRequests).toBe(1);
    const audit = await auditOf(shop);
    expect(audit.filter((entry) => entry.action === 'payout.approved')).toHaveLength(1);
  });

  it('when an approver rejects the payout, then it fails with approval_rejected, nothing is sent, and approving it later is refused', async () => {
    const shop = await payoutProject(server, { approval: 'all' });
    const created = await create(shop, payoutBody());
    const approver = await userOf(shop);
    const before = await simulatorStats(server.url);
    const path = `/api/v1/payouts/${created.data.payout.id}`;
    const rejected = await approver.request({
      method: 'POST',
      path: `${path}/reject`,
      body: { note: 'Not ours' },
      project: shop.projectId,
      mode: 'test',
    });
    expect(rejected.data.payout).toMatchObject({
      status: 'failed',
      reason: { code: 'approval_rejected' },
      approval: { decision: 'rejected' },
    });
    const late = await approver.request({
      method: 'POST',
      path: `${path}/approve`,
      body: {},
      project: shop.projectId,
      mode: 'test',
    });
    expect(late.status).toBe(409);
    expect((await simulatorStats(server.url)).b2cRequests).toBe(before.b2cRequests);
    const events = await eventually(
      () => shop.merchant({ method: 'GET', path: '/api/v1/events?type=payout.failed' }),
      (read) => read.data.data.length === 1,
    );
    expect(events.data.data[0].data.payout.reason.code).toBe('approval_rejected');
  });
});
