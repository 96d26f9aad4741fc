// Roles: a member sees its own projects and nothing else, whatever URL or header it sends; only
// operators manage users and projects.
import { insertTransactions } from '../../src/payments/transaction.repository';
import { createProject, type ProjectKeys } from '../helpers/merchant';
import { browserFor, createDashboardUser, PASSWORD, type DashboardBrowser } from '../helpers/dashboard';
import { startTestServer, type TestServer } from '../helpers/server';
import { completedPaymentRow } from '../helpers/rows';

let server: TestServer;
let mine: ProjectKeys;
let theirs: ProjectKeys;
let member: DashboardBrowser;
let theirPayment: string;

const errorCode = (response: { data: unknown }) =>
  (response.data as { error?: { code?: string } }).error?.code;

beforeAll(async () => {
  server = await startTestServer();
  mine = await createProject(server.url, server.adminToken, 'Mine');
  theirs = await createProject(server.url, server.adminToken, 'Theirs');
  await createDashboardUser(server, {
    email: 'member@shop.example',
    password: PASSWORD,
    role: 'member',
    projectIds: [mine.projectId],
  });
  member = await browserFor(server.url, 'member@shop.example');
  const at = new Date();
  const payment = completedPaymentRow(theirs.projectId, at, {
    accountReference: 'THEIRS',
    description: 'x',
    mpesaReceiptNumber: 'THEIRS1234',
    settledAt: at,
  });
  theirPayment = payment.id;
  await insertTransactions(server.database(), [payment]);
});
afterAll(() => server.close());

describe('when a member signs in', () => {
  it('then its session lists its own projects only', () => {
    expect(member.signIn.data.user).toMatchObject({ role: 'member', projectIds: [mine.projectId] });
    expect(member.signIn.data.projects.map((p: { id: string }) => p.id)).toEqual([mine.projectId]);
  });

  it('then it reads its own project', async () => {
    expect(
      (await member.request({ method: 'GET', path: '/api/v1/transactions', project: mine.projectId })).status,
    ).toBe(200);
    expect(
      (await member.request({ method: 'GET', path: '/api/v1/stats', project: mine.projectId })).status,
    ).toBe(200);
  });

  it.each([
    ['the payment list', '/api/v1/transactions'],
    ['the payment by URL', () => `/api/v1/transactions/${theirPayment}`],
    ['its history', () => `/api/v1/transactions/${theirPayment}/history`],
    ['the CSV export', '/api/v1/transactions/export'],
    ['the stats', '/api/v1/stats'],
    ['the webhook endpoints', '/api/v1/webhook-endpoints'],
    ['the events', '/api/v1/events'],
    ['the M-Pesa accounts', '/api/v1/mpesa-accounts'],
  ])('then %s of another project answers as if it did not exist', async (_what, path) => {
    const response = await member.request({
      method: 'GET',
      path: typeof path === 'function' ? path() : path,
      project: theirs.projectId,
    });
    expect([response.status, errorCode(response)]).toEqual([404, 'project_not_found']);
    expect(JSON.stringify(response.data)).not.toContain('THEIRS');
  });

  it("then another project's payment is not found through its own project either", async () => {
    const response = await member.request({
      method: 'GET',
      path: `/api/v1/transactions/${theirPayment}`,
      project: mine.projectId,
    });
    expect([response.status, errorCode(response)]).toEqual([404, 'transaction_not_found']);
    const byReceipt = await member.request({
      method: 'GET',
      path: '/api/v1/transactions?receipt=THEIRS1234',
      project: mine.projectId,
    });
    expect(byReceipt.data.data).toEqual([]);
  });

  it('then it cannot act on another project', async () => {
    const response = await member.request({
      method: 'POST',
      path: '/api/v1/test-payments',
      body: { outcome: 'paid' },
      project: theirs.projectId,
    });
    expect([response.status, errorCode(response)]).toEqual([404, 'project_not_found']);
  });

  it.each([
    ['list projects', 'GET', '/api/v1/projects'],
    ['create a project', 'POST', '/api/v1/projects'],
    ['list users', 'GET', '/api/v1/dashboard/users'],
    ['create a user', 'POST', '/api/v1/dashboard/users'],
    ['rotate keys', 'POST', () => `/api/v1/projects/${mine.projectId}/keys/rotate`],
  ] as const)('then it may not %s: that needs an operator', async (_what, method, path) => {
    const response = await member.request({
      method,
      path: typeof path === 'function' ? path() : path,
      body: method === 'POST' ? {} : undefined,
    });
    expect([response.status, errorCode(response)]).toEqual([403, 'dashboard_forbidden']);
  });
});

describe('when an operator manages users', () => {
  it('then it adds a project to a member, and the member sees it at its next request', async () => {
    await createDashboardUser(server, { email: 'boss@shop.example', password: PASSWORD, role: 'operator' });
    const boss = await browserFor(server.url, 'boss@shop.example');
    const users = await boss.request({ method: 'GET', path: '/api/v1/dashboard/users' });
    const memberId = users.data.data.find((u: { email: string }) => u.email === 'member@shop.example').id;
    const updated = await boss.request({
      method: 'PATCH',
      path: `/api/v1/dashboard/users/${memberId}`,
      body: { projectIds: [mine.projectId, theirs.projectId] },
    });
    expect(updated.status).toBe(200);
    expect(
      (
        await member.request({
          method: 'GET',
          path: `/api/v1/transactions/${theirPayment}`,
          project: theirs.projectId,
        })
      ).status,
    ).toBe(200);
    await boss.request({
      method: 'PATCH',
      path: `/api/v1/dashboard/users/${memberId}`,
      body: { projectIds: [mine.projectId] },
    });
    expect(
      (
        await member.request({
          method: 'GET',
          path: `/api/v1/transactions/${theirPayment}`,
          project: theirs.projectId,
        })
      ).status,
    ).toBe(404);
  });

  it('then disabling a user ends its sessions', async () => {
    await createDashboardUser(server, {
      email: 'temp@shop.example',
      password: PASSWORD,
      role: 'member',
      projectIds: [mine.projectId],
    });
    const temp = await browserFor(server.url, 'temp@shop.example');
    const boss = await browserFor(server.url, 'boss@shop.example');
    const users = await boss.request({ method: 'GET', path: '/api/v1/dashboard/users' });
    const id = users.data.data.find((u: { email: string }) => u.email === 'temp@shop.example').id;
    expect(
      (
        await boss.request({
          method: 'PATCH',
          path: `/api/v1/dashboard/users/${id}`,
          body: { disabled: true },
        })
      ).status,
    ).toBe(200);
    const after = await temp.request({ method: 'GET', path: '/api/v1/dashboard/session' });
    expect([after.status, errorCode(after)]).toEqual([401, 'session_invalid']);
  });
});
