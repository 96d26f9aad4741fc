// The audit trail: every declared operator action is written before its answer goes out, with
// who (dashboard user, admin token or public key), what (action, target, the inputs that say
// what changed, secrets only as "(changed)"), when and from where (address, request id).
// Operators read it and export it as CSV; members are refused; a refused action writes nothing.
import axios from 'axios';
import { accountBody, keysOf } from '../helpers/accounts';
import { browserFor, createDashboardUser, PASSWORD, type DashboardBrowser } from '../helpers/dashboard';
import { adminHeaders } from '../helpers/http-edges';
import { merchantClient, type MerchantRequest } from '../helpers/merchant';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
let operator: DashboardBrowser;
let shop: MerchantRequest;
let projectId: string;

const trail = async (query = '') =>
  (await axios.get(`${server.url}/api/v1/audit${query}`, { headers: adminHeaders(server) })).data;

beforeAll(async () => {
  server = await startTestServer();
  const created = await axios.post(
    `${server.url}/api/v1/projects`,
    { name: 'Audited shop' },
    { headers: adminHeaders(server) },
  );
  projectId = created.data.project.id;
  shop = merchantClient(server.url, keysOf(created.data, 'test'));
  await createDashboardUser(server, { email: 'boss@shop.example', password: PASSWORD, role: 'operator' });
  operator = await browserFor(server.url, 'boss@shop.example');
});
afterAll(() => server.close());

describe('the audit trail', () => {
  it('when an operator rotates keys from the dashboard, then the entry says who, what, when and from where, before the answer', async () => {
    const before = Date.now();
    const rotated = await operator.request({
      method: 'POST',
      path: `/api/v1/projects/${projectId}/keys/rotate`,
      body: { mode: 'live', graceSeconds: 3600 },
    });
    expect(rotated.status).toBe(200);
    // Written before the answer: no waiting.
    const [entry] = (await trail(`?projectId=${projectId}&action=project.keys_rotated`)).data;
    expect(entry).toMatchObject({
      actor: { kind: 'dashboard_user', label: 'boss@shop.example', id: expect.stringMatching(/^usr_/) },
      action: 'project.keys_rotated',
      projectId,
      mode: 'live',
      targetId: projectId,
      details: { mode: 'live', graceSeconds: 3600 },
      sourceIp: expect.stringMatching(/127\.0\.0\.1$/),
      requestId: rotated.headers['x-request-id'],
    });
    expect(Date.parse(entry.at)).toBeGreaterThanOrEqual(before - 1000);
    expect(JSON.stringify(entry)).not.toContain(rotated.data.secretKey);
  });

  it('when an account is added with a signed request, then the key is the actor and the credentials appear only as changed', async () => {
    const body = accountBody({ name: 'Audited till', shortcode: '600950', tillNumber: '9509501' });
    const added = await shop({ method: 'POST', path: '/api/v1/mpesa-accounts', body });
    expect(added.status).toBe(201);
    const [entry] = (await trail(`?projectId=${projectId}&action=mpesa_account.created`)).data;
    expect(entry).toMatchObject({
      actor: { kind: 'api_key', label: expect.stringMatching(/^pk_test_/) },
      mode: 'test',
      targetId: added.data.account.id,
      details: {
        name: 'Audited till',
        shortcode: '600950',
        tillNumber: '9509501',
        consumerKey: '(changed)',
        consumerSecret: '(changed)',
        passkey: '(changed)',
      },
    });
    const all = JSON.stringify(await trail());
    for (const secret of [body.consumerKey, body.consumerSecret, body.passkey])
      expect(all).not.toContain(secret);
  });

  it('when an action is refused, then nothing is written', async () => {
    const count = (await trail(`?projectId=${projectId}`)).data.length;
    const refused = await operator.request({
      method: 'POST',
      path: `/api/v1/projects/${projectId}/keys/rotate`,
      body: { mode: 'live', graceSeconds: -1 },
    });
    expect(refused.status).toBe(400);
    expect((await trail(`?projectId=${projectId}`)).data).toHaveLength(count);
  });

  it('when exported, then the CSV holds every entry with its columns', async () => {
    const csv = await axios.get(`${server.url}/api/v1/audit/export?projectId=${projectId}`, {
      headers: adminHeaders(server),
      responseType: 'text',
    });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = (csv.data as string).trim().split('\r\n');
    expect(lines[0]).toBe('id,at,actorKind,actor,action,projectId,mode,targetId,details,sourceIp,requestId');
    expect(lines).toHaveLength(1 + (await trail(`?projectId=${projectId}`)).data.length);
    expect(
      lines.some((line) => line.includes('project.keys_rotated') && line.includes('boss@shop.example')),
    ).toBe(true);
  });

  it('when a member asks for it, then it is dashboard_forbidden', async () => {
    await createDashboardUser(server, {
      email: 'clerk@shop.example',
      password: PASSWORD,
      role: 'member',
      projectIds: [projectId],
    });
    const member = await browserFor(server.url, 'clerk@shop.example');
    const answer = await member.request({ method: 'GET', path: '/api/v1/audit' });
    expect(answer.status).toBe(403);
    expect(answer.data.error.code).toBe('dashboard_forbidden');
  });
});
