// What an operator does with a project's M-Pesa accounts besides adding them: check one (a live
// OAuth call, answered as a verdict), disable and enable it again, and make it the default; a
// member of the project reads and checks them but changes nothing. Sandbox accounts go to a
// recording stand-in for Daraja's sandbox, simulator accounts to the deployment's simulator.
import { accountBody, keysOf, startRecordingDaraja, type RecordingDaraja } from '../helpers/accounts';
import { createDashboardUser, browserFor, PASSWORD } from '../helpers/dashboard';
import { initiateBody, merchantClient, type MerchantRequest } from '../helpers/merchant';
import { adminHeaders } from '../helpers/http-edges';
import { startTestServer, type TestServer } from '../helpers/server';
import axios from 'axios';
import { startFaultyLink, type FaultyLink } from '../helpers/faulty-link';

const APP = { consumerKey: 'sandbox-app-key-0001', consumerSecret: 'sandbox-app-secret-0001' };
let sandboxApps: Array<typeof APP>;
let sandbox: RecordingDaraja;
/** Between the service and the sandbox stand-in: cut, Daraja does not answer. */
let link: FaultyLink;
let server: TestServer;
let shop: MerchantRequest;
let projectId: string;

beforeAll(async () => {
  sandboxApps = [APP];
  sandbox = await startRecordingDaraja(sandboxApps, {});
  link = await startFaultyLink(Number(new URL(sandbox.url).port));
  server = await startTestServer({
    MPESA_SANDBOX_BASE_URL: link.through(sandbox.url),
    SIMULATOR_CALLBACK_DELAY_MS: '3600000',
  });
  const created = await axios.post(
    `${server.url}/api/v1/projects`,
    { name: 'Accounts shop' },
    { headers: adminHeaders(server) },
  );
  projectId = created.data.project.id;
  shop = merchantClient(server.url, keysOf(created.data, 'test'));
});
afterAll(async () => {
  await server.close();
  await link.close();
  await sandbox.close();
});

const add = async (body: Record<string, unknown>) => {
  const answer = await shop({ method: 'POST', path: '/api/v1/mpesa-accounts', body });
  expect(answer.status).toBe(201);
  return answer.data.account as { id: string; isDefault: boolean; disabledAt: string | null };
};
const check = (id: string) => shop({ method: 'POST', path: `/api/v1/mpesa-accounts/${id}/check` });

describe('POST /api/v1/mpesa-accounts/:id/check', () => {
  it('when a simulator account is checked, then the deployment’s simulator issues a token: accepted', async () => {
    const account = await add(
      accountBody({ name: 'Simulated till', shortcode: '600800', tillNumber: '8008001' }),
    );
    const answer = await check(account.id);
    expect(answer.status).toBe(200);
    expect(answer.data).toMatchObject({
      accountId: account.id,
      environment: 'simulator',
      verdict: 'accepted',
      accepted: true,
      code: null,
      message: expect.stringContaining("this deployment's simulator issued a token"),
    });
  });

  it('when a sandbox account is checked, then each check is a live OAuth call, and Daraja’s refusal later is a rejected verdict, not an error', async () => {
    const account = await add(accountBody({ name: 'Sandbox PayBill', environment: 'sandbox', ...APP }));
    const before = sandbox.oauthCalls.length;
    expect((await check(account.id)).data.verdict).toBe('accepted');
    expect((await check(account.id)).data.verdict).toBe('accepted');
    // Not from the token cache: two checks, two calls.
    expect(sandbox.oauthCalls.slice(before)).toEqual([APP.consumerKey, APP.consumerKey]);

    // The app is deleted on Daraja's portal: the same credentials are refused now.
    sandboxApps.splice(0);
    const refused = await check(account.id);
    expect(refused.status).toBe(200);
    expect(refused.data).toMatchObject({
      verdict: 'rejected',
      accepted: false,
      code: 'mpesa_credentials_rejected',
      message: expect.stringContaining('developer.safaricom.co.ke'),
    });
    expect(JSON.stringify(refused.data)).not.toContain(APP.consumerSecret);
    sandboxApps.push(APP);
  });

  it('when Daraja does not answer, then the verdict is unreachable and says nothing is known', async () => {
    const account = await add(accountBody({ name: 'Lonely sandbox', environment: 'sandbox', ...APP }));
    link.cut();
    try {
      const answer = await check(account.id);
      expect(answer.status).toBe(200);
      expect(answer.data).toMatchObject({
        verdict: 'unreachable',
        accepted: false,
        code: 'mpesa_unavailable',
        message: expect.stringContaining('nothing is known'),
      });
    } finally {
      link.restore();
    }
    expect((await check(account.id)).data.verdict).toBe('accepted');
  });

  it('when the account is not this project’s, then it is mpesa_account_not_found', async () => {
    const answer = await check('acc_0000000000000000000000000000');
    expect(answer.status).toBe(404);
    expect(answer.data.error.code).toBe('mpesa_account_not_found');
  });
});

describe('PATCH /api/v1/mpesa-accounts/:id with disabled', () => {
  it('when the default is disabled, then an initiate naming it is refused, it is no longer the default, and enabled again it pays', async () => {
    const first = await add(
      accountBody({ name: 'Till A', shortcode: '600810', tillNumber: '8108101', isDefault: true }),
    );
    const disabled = await shop({
      method: 'PATCH',
      path: `/api/v1/mpesa-accounts/${first.id}`,
      body: { disabled: true },
    });
    expect(disabled.status).toBe(200);
    expect(disabled.data.account).toMatchObject({ isDefault: false, disabledAt: expect.any(String) });

    const refused = await shop({
      method: 'POST',
      path: '/api/v1/transactions/initiate',
      body: initiateBody({ account: first.id }),
    });
    expect(refused.status).toBe(409);
    expect(refused.data.error.code).toBe('mpesa_account_disabled');

    const asDefault = await shop({
      method: 'PATCH',
      path: `/api/v1/mpesa-accounts/${first.id}`,
      body: { isDefault: true },
    });
    expect(asDefault.status).toBe(400);
    expect(asDefault.data.error.code).toBe('validation_failed');

    const enabled = await shop({
      method: 'PATCH',
      path: `/api/v1/mpesa-accounts/${first.id}`,
      body: { disabled: false, isDefault: true },
    });
    expect(enabled.data.account).toMatchObject({ isDefault: true, disabledAt: null });
    const paid = await shop({
      method: 'POST',
      path: '/api/v1/transactions/initiate',
      body: initiateBody({}),
    });
    expect(paid.status).toBe(201);
    expect(paid.data.transaction.accountId).toBe(first.id);
  });
});

describe('a member of the project on the dashboard', () => {
  it('when it lists and checks accounts, then it may; when it disables one, then it is dashboard_forbidden', async () => {
    const account = await add(
      accountBody({ name: 'Watched till', shortcode: '600820', tillNumber: '8208201' }),
    );
    await createDashboardUser(server, {
      email: 'member@accounts.example',
      password: PASSWORD,
      role: 'member',
      projectIds: [projectId],
    });
    const member = await browserFor(server.url, 'member@accounts.example');
    const listed = await member.request({
      method: 'GET',
      path: '/api/v1/mpesa-accounts',
      project: projectId,
    });
    expect(listed.status).toBe(200);
    expect(listed.data.data.map((row: { id: string }) => row.id)).toContain(account.id);
    const checked = await member.request({
      method: 'POST',
      path: `/api/v1/mpesa-accounts/${account.id}/check`,
      project: projectId,
    });
    expect(checked.data.verdict).toBe('accepted');
    const disabled = await member.request({
      method: 'PATCH',
      path: `/api/v1/mpesa-accounts/${account.id}`,
      project: projectId,
      body: { disabled: true },
    });
    expect(disabled.status).toBe(403);
    expect(disabled.data.error.code).toBe('dashboard_forbidden');
  });
});
