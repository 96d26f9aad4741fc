// The project stream for a signed-in dashboard page: its session cookie, from our own origin,
// for a project its user may see. Another site's page, another project, or no session: refused.
import { connectProjectStream, refusalOf } from '../helpers/project-stream';
import { createProject, merchantClient, type ProjectKeys } from '../helpers/merchant';
import { browserFor, createDashboardUser, PASSWORD, type DashboardBrowser } from '../helpers/dashboard';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
let mine: ProjectKeys;
let theirs: ProjectKeys;
let member: DashboardBrowser;
const NO_KEYS = { publicKey: '', secretKey: '' };

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
});
afterAll(() => server.close());

const follow = (projectId: string, headers: Record<string, string>) =>
  connectProjectStream(server.url, NO_KEYS, { auth: { projectId, mode: 'test' }, headers });

describe('when a dashboard page follows its project with the session cookie', () => {
  it('then it receives the payments of that project as they change', async () => {
    const stream = await follow(mine.projectId, { Cookie: member.cookie, Origin: server.url });
    try {
      const started = await merchantClient(
        server.url,
        mine,
      )({ method: 'POST', path: '/api/v1/test-payments', body: { outcome: 'paid' } });
      const id = started.data.transaction.id as string;
      await stream.waitFor(
        (m) =>
          m.kind === 'transaction' &&
          m.body.transaction.id === id &&
          m.body.transaction.status === 'completed',
        'the completed payment',
        10_000,
      );
    } finally {
      stream.close();
    }
  });

  it('then another project is refused as if it did not exist', async () => {
    expect(
      (await refusalOf(follow(theirs.projectId, { Cookie: member.cookie, Origin: server.url }))).code,
    ).toBe('project_not_found');
  });

  it("then another site's page carrying the cookie is refused", async () => {
    expect(
      await refusalOf(follow(mine.projectId, { Cookie: member.cookie, Origin: 'https://evil.example' })),
    ).toMatchObject({ code: 'session_invalid' });
    expect(await refusalOf(follow(mine.projectId, { Cookie: member.cookie }))).toMatchObject({
      code: 'session_invalid',
    });
  });

  it('then without a session it is refused', async () => {
    expect((await refusalOf(follow(mine.projectId, { Origin: server.url }))).code).toBe('session_invalid');
    expect(
      (await refusalOf(follow(mine.projectId, { Cookie: 'mb_session=dss_forged', Origin: server.url }))).code,
    ).toBe('session_invalid');
  });
});
