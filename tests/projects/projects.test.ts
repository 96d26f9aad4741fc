// Operator API: projects and their key pairs. Only the admin token gets in; the secret key is
// shown once and stored sealed; rotation stops the old pair at once.
import axios from 'axios';
import { startTestServer, type TestServer } from '../helpers/server';
import { createProject, merchantClient, type ProjectKeys } from '../helpers/merchant';
import { adminHeaders, expectError, sendRaw } from '../helpers/http-edges';

const PROJECTS = '/api/v1/projects';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const createWith = (headers: Record<string, string>, name = 'Anonymous shop') =>
  sendRaw({ method: 'POST', url: `${server.url}${PROJECTS}`, body: JSON.stringify({ name }), headers });
const listProjects = (headers: Record<string, string> = adminHeaders(server)) =>
  sendRaw({ method: 'GET', url: `${server.url}${PROJECTS}`, headers });
const canList = (keys: ProjectKeys) =>
  merchantClient(server.url, keys)({ method: 'GET', path: '/api/v1/transactions' });

describe('when the admin token is missing or wrong', () => {
  it.each([
    ['no Authorization header', {}],
    ['a wrong bearer token', { Authorization: 'Bearer adm_not_the_right_token_at_all' }],
    ['the right token without the Bearer scheme', 'raw-token'],
    ['a Basic scheme', { Authorization: 'Basic YWRtaW46YWRtaW4=' }],
  ] as const)(
    'then creating a project with %s is refused with admin_unauthorized',
    async (_label, headers) => {
      const sent = headers === 'raw-token' ? { Authorization: server.adminToken } : headers;
      const response = await createWith(sent, `Anonymous ${_label}`);
      expectError(response, 401, 'admin_unauthorized');
    },
  );

  it('then listing projects is refused with admin_unauthorized', async () => {
    expectError(await listProjects({}), 401, 'admin_unauthorized');
    expectError(await listProjects({ Authorization: 'Bearer wrong' }), 401, 'admin_unauthorized');
  });

  it('then rotating keys is refused with admin_unauthorized and the keys keep working', async () => {
    const keys = await createProject(server.url, server.adminToken, 'Rotation target');
    const response = await sendRaw({
      method: 'POST',
      url: `${server.url}${PROJECTS}/${keys.projectId}/keys/rotate`,
      headers: { Authorization: 'Bearer wrong' },
    });
    expectError(response, 401, 'admin_unauthorized');
    expect((await canList(keys)).status).toBe(200);
  });

  it('then no project was ever created anonymously', async () => {
    const listed = await listProjects();
    expect(listed.status).toBe(200);
    const names = (listed.data as { data: Array<{ name: string }> }).data.map((project) => project.name);
    expect(names.filter((name) => name.startsWith('Anonymous'))).toEqual([]);
  });
});

describe('when the operator creates a project', () => {
  it('then the answer holds the project, a key pair for each mode, and its secret keys, once', async () => {
    const response = await createWith(adminHeaders(server), 'Mama Mboga');
    expect(response.status).toBe(201);
    const key = (mode: string) => ({
      publicKey: expect.stringMatching(new RegExp(`^pk_${mode}_`)),
      createdAt: expect.any(String),
    });
    expect(response.data).toEqual({
      project: {
        id: expect.stringMatching(/^prj_/),
        name: 'Mama Mboga',
        // A simulator deployment's default mode is test.
        publicKey: expect.stringMatching(/^pk_test_/),
        keys: { test: key('test'), live: key('live') },
        retiringKeys: [],
        accounts: [],
        disabledAt: null,
        createdAt: expect.any(String),
      },
      secretKey: expect.stringMatching(/^sk_test_/),
      secretKeys: { test: expect.stringMatching(/^sk_test_/), live: expect.stringMatching(/^sk_live_/) },
    });
    expect(response.data.project.publicKey).toBe(response.data.project.keys.test.publicKey);
  });

  it('then the project list shows it without any secret', async () => {
    const created = await createProject(server.url, server.adminToken, 'Listed shop');
    const listed = await listProjects();
    expect(listed.status).toBe(200);
    const projects = (listed.data as { data: Array<Record<string, unknown>> }).data;
    expect(projects.find((project) => project.id === created.projectId)).toMatchObject({
      name: 'Listed shop',
      publicKey: created.publicKey,
    });
    const text = JSON.stringify(listed.data);
    expect(text).not.toContain(created.secretKey);
    expect(text).not.toMatch(/secret/i);
  });

  it('then the stored secret key is not the plaintext', async () => {
    const created = await createProject(server.url, server.adminToken, 'Sealed shop');
    const db = server.database();
    const row = (await db.first(
      db.qb
        .selectFrom('ApiKey')
        .selectAll()
        .where('projectId', '=', created.projectId)
        .where('publicKey', '=', created.publicKey),
    ))!;
    expect(row.secretKeyEnc.length).toBeGreaterThan(0);
    expect(row.secretKeyEnc).not.toContain(created.secretKey);
    expect(row.secretKeyEnc).not.toContain(created.secretKey.slice('sk_test_'.length));
    expect(row.secretKeyEnc).not.toContain(Buffer.from(created.secretKey).toString('base64url'));
  });

  it('then an invalid name is refused with validation_failed', async () => {
    const response = await createWith(adminHeaders(server), '   ');
    const error = expectError(response, 400, 'validation_failed');
    expect(error.details).toEqual({ fields: [expect.objectContaining({ field: 'name' })] });
  });
});

describe('when the operator rotates a project’s keys', () => {
  it('then the old pair is unknown and the new pair works', async () => {
    const old = await createProject(server.url, server.adminToken, 'Rotating shop');
    expect((await canList(old)).status).toBe(200);

    const response = await axios.post(`${server.url}${PROJECTS}/${old.projectId}/keys/rotate`, undefined, {
      headers: adminHeaders(server),
    });
    expect(response.status).toBe(200);
    const body = response.data as {
      project: { id: string; publicKey: string };
      mode: string;
      publicKey: string;
      secretKey: string;
    };
    expect(body.project.id).toBe(old.projectId);
    expect(body.mode).toBe('test');
    expect(body.publicKey).toBe(body.project.publicKey);
    expect(body.project.publicKey).not.toBe(old.publicKey);
    expect(body.secretKey).not.toBe(old.secretKey);

    expectError(await canList(old), 401, 'api_key_unknown');
    const fresh = { projectId: old.projectId, publicKey: body.project.publicKey, secretKey: body.secretKey };
    expect((await canList(fresh)).status).toBe(200);
    // The new public key with the old secret is no way in either.
    expectError(await canList({ ...fresh, secretKey: old.secretKey }), 401, 'signature_invalid');
  });

  it('then rotating an unknown project is refused with project_not_found', async () => {
    const response = await sendRaw({
      method: 'POST',
      url: `${server.url}${PROJECTS}/prj_doesnotexist/keys/rotate`,
      headers: adminHeaders(server),
    });
    expectError(response, 404, 'project_not_found');
  });
});

describe('when one address creates projects too fast', () => {
  const MAX = 2;
  let limited: TestServer;
  beforeAll(async () => {
    limited = await startTestServer({ PROJECT_CREATE_RATE_LIMIT_MAX: String(MAX) });
  });
  afterAll(() => limited.close());

  it('then creations past the limit are refused with rate_limited and RateLimit headers', async () => {
    const create = (name: string) =>
      sendRaw({
        method: 'POST',
        url: `${limited.url}${PROJECTS}`,
        body: JSON.stringify({ name }),
        headers: adminHeaders(limited),
      });
    for (let i = 0; i < MAX; i += 1) {
      const response = await create(`Shop ${i}`);
      expect(response.status).toBe(201);
      expect(response.headers['ratelimit-policy']).toEqual(expect.any(String));
    }
    const refused = await create('One too many');
    const error = expectError(refused, 429, 'rate_limited');
    expect(error.details).toMatchObject({ limit: MAX });
    expect(refused.headers.ratelimit).toEqual(expect.stringMatching(/r=0/));
    expect(refused.headers['ratelimit-policy']).toEqual(expect.stringMatching(new RegExp(`q=${MAX}`)));
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);

    const listed = await sendRaw({
      method: 'GET',
      url: `${limited.url}${PROJECTS}`,
      headers: adminHeaders(limited),
    });
    expect((listed.data as { data: unknown[] }).data).toHaveLength(MAX);
  });
});
