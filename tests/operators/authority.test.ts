// What a dashboard session may change: a disabled project takes nothing new through it (no
// payment, test payment, webhook endpoint or account), whoever the user; and where the money
// goes (M-Pesa accounts, the live webhook signing secret) is changed by operators only, while
// members read it.
import axios from 'axios';
import { accountBody } from '../helpers/accounts';
import { browserFor, createDashboardUser, PASSWORD, type DashboardBrowser } from '../helpers/dashboard';
import { createProject, initiateBody, merchantClient, type ProjectKeys } from '../helpers/merchant';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
let shop: ProjectKeys;
let member: DashboardBrowser;
let operator: DashboardBrowser;

const codeOf = (response: { data: unknown }) => (response.data as { error?: { code?: string } }).error?.code;

beforeAll(async () => {
  server = await startTestServer();
  shop = await createProject(server.url, server.adminToken, 'Shop');
  await createDashboardUser(server, { email: 'ops@shop.example', password: PASSWORD, role: 'operator' });
  await createDashboardUser(server, {
    email: 'member@shop.example',
    password: PASSWORD,
    role: 'member',
    projectIds: [shop.projectId],
  });
  operator = await browserFor(server.url, 'ops@shop.example');
  member = await browserFor(server.url, 'member@shop.example');
});
afterAll(() => server.close());

const setDisabled = (disabled: boolean) =>
  axios.patch(
    `${server.url}/api/v1/projects/${shop.projectId}`,
    { disabled },
    { headers: { Authorization: `Bearer ${server.adminToken}` } },
  );

async function paymentsOf(projectId: string): Promise<number> {
  const db = server.database();
  const rows = await db.all(db.qb.selectFrom('Transaction').select('id').where('projectId', '=', projectId));
  return rows.length;
}

/** Every write that starts something new for a project, as the pages send it. */
const NEW_THINGS = [
  { what: 'a test-mode payment', mode: 'test', path: '/api/v1/transactions/initiate', body: initiateBody() },
  { what: 'a live payment', mode: 'live', path: '/api/v1/transactions/initiate', body: initiateBody() },
  { what: 'a test payment', mode: 'test', path: '/api/v1/test-payments', body: { outcome: 'paid' } },
  {
    what: 'a webhook endpoint',
    mode: 'test',
    path: '/api/v1/webhook-endpoints',
    body: { url: 'http://127.0.0.1:9/hooks' },
  },
  { what: 'an M-Pesa account', mode: 'test', path: '/api/v1/mpesa-accounts', body: accountBody() },
] as const;

describe('when a project is disabled', () => {
  beforeAll(() => setDisabled(true));
  afterAll(() => setDisabled(false));

  it.each(NEW_THINGS)(
    'then neither an operator nor a member makes $what for it from the dashboard',
    async ({ mode, path, body }) => {
      const before = await paymentsOf(shop.projectId);
      for (const [who, browser] of [
        ['operator', operator],
        ['member', member],
      ] as const) {
        const answer = await browser.request({ method: 'POST', path, body, project: shop.projectId, mode });
        // A member may not add an account at all (operators only): that refusal comes first.
        const expected =
          who === 'member' && path === '/api/v1/mpesa-accounts' ? 'dashboard_forbidden' : 'project_disabled';
        expect({ who, status: answer.status, code: codeOf(answer) }).toEqual({
          who,
          status: 403,
          code: expected,
        });
      }
      expect(await paymentsOf(shop.projectId)).toBe(before);
    },
  );

  it('then its sessions still read it, and its keys are refused outright', async () => {
    const read = await member.request({
      method: 'GET',
      path: '/api/v1/transactions',
      project: shop.projectId,
    });
    expect(read.status).toBe(200);
    const signed = await merchantClient(server.url, shop)({ method: 'GET', path: '/api/v1/transactions' });
    expect([signed.status, codeOf(signed)]).toEqual([403, 'project_disabled']);
  });
});

describe('when the project is enabled again', () => {
  it('then the same dashboard request starts a payment', async () => {
    const answer = await member.request({
      method: 'POST',
      path: '/api/v1/test-payments',
      body: { outcome: 'paid' },
      project: shop.projectId,
      mode: 'test',
    });
    expect(answer.status).toBe(201);
  });
});

describe("when a member changes where a project's money goes", () => {
  let accountId: string;
  let liveEndpoint: string;
  let testEndpoint: string;

  beforeAll(async () => {
    const added = await operator.request({
      method: 'POST',
      path: '/api/v1/mpesa-accounts',
      body: accountBody({ name: 'Owner PayBill' }),
      project: shop.projectId,
    });
    expect(added.status).toBe(201);
    accountId = added.data.account.id;
    const endpoint = async (mode: 'test' | 'live') => {
      const created = await operator.request({
        method: 'POST',
        path: '/api/v1/webhook-endpoints',
        body: { url: `http://127.0.0.1:9/${mode}` },
        project: shop.projectId,
        mode,
      });
      expect(created.status).toBe(201);
      return created.data.endpoint.id as string;
    };
    liveEndpoint = await endpoint('live');
    testEndpoint = await endpoint('test');
  });

  const ACCOUNT_WRITES: ReadonlyArray<[string, 'POST' | 'PATCH' | 'DELETE', () => string, () => unknown]> = [
    ['adds an account', 'POST', () => '/api/v1/mpesa-accounts', () => accountBody({ name: 'Mine now' })],
    [
      'makes an account the default',
      'PATCH',
      () => `/api/v1/mpesa-accounts/${accountId}`,
      () => ({ isDefault: true }),
    ],
    ['renames an account', 'PATCH', () => `/api/v1/mpesa-accounts/${accountId}`, () => ({ name: 'x' })],
    ['deletes an account', 'DELETE', () => `/api/v1/mpesa-accounts/${accountId}`, () => undefined],
  ];
  it.each(ACCOUNT_WRITES)(
    'when it %s, then it is refused 403 dashboard_forbidden',
    async (_what, method, path, body) => {
      const answer = await member.request({ method, path: path(), body: body(), project: shop.projectId });
      expect([answer.status, codeOf(answer)]).toEqual([403, 'dashboard_forbidden']);
      expect((answer.data as { error: { message: string } }).error.message).toMatch(/operator/);
    },
  );

  it("then the member still reads the accounts, and the owner's account is untouched", async () => {
    const listed = await member.request({
      method: 'GET',
      path: '/api/v1/mpesa-accounts',
      project: shop.projectId,
    });
    expect(listed.status).toBe(200);
    const accounts = (listed.data as { data: Array<{ id: string; name: string }> }).data;
    expect(accounts.map((account) => [account.id, account.name])).toEqual([[accountId, 'Owner PayBill']]);
  });

  it('then rotating the live signing secret is refused, the test one is not', async () => {
    const rotate = (endpoint: string, mode: 'test' | 'live', browser = member) =>
      browser.request({
        method: 'POST',
        path: `/api/v1/webhook-endpoints/${endpoint}/secret/rotate`,
        body: {},
        project: shop.projectId,
        mode,
      });
    const live = await rotate(liveEndpoint, 'live');
    expect([live.status, codeOf(live)]).toEqual([403, 'dashboard_forbidden']);
    expect((await rotate(testEndpoint, 'test')).status).toBe(200);
    expect((await rotate(liveEndpoint, 'live', operator)).status).toBe(200);
  });

  it('then an operator makes the same changes', async () => {
    const renamed = await operator.request({
      method: 'PATCH',
      path: `/api/v1/mpesa-accounts/${accountId}`,
      body: { isDefault: true },
      project: shop.projectId,
    });
    expect(renamed.status).toBe(200);
    const deleted = await operator.request({
      method: 'DELETE',
      path: `/api/v1/mpesa-accounts/${accountId}`,
      project: shop.projectId,
    });
    expect(deleted.status).toBe(204);
  });
});
