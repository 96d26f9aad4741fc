// The request log: every signed API request of a project and mode (refused ones too), written
// after the answer in batches, with method, path, status, error code, latency, request id and
// public key, never a body or a secret, phones masked; read newest first with filters; pruned
// after REQUEST_LOG_RETENTION. On the engine the suite runs on.
import { startTestServer, type TestServer } from '../helpers/server';
import { createProject, initiateBody, merchantClient, type ProjectKeys } from '../helpers/merchant';
import { insertRequestLogRows } from '../../src/request-log/request-log.repository';
import { newId } from '../../src/ids';

let server: TestServer;
let keys: ProjectKeys;
let merchant: ReturnType<typeof merchantClient>;
beforeAll(async () => {
  // Written only when the test flushes, so it can look before and after; pruned only when it says.
  server = await startTestServer({
    REQUEST_LOG_FLUSH: '24d',
    REQUEST_LOG_RETENTION: '1h',
    PRUNE_INTERVAL: '24d',
  });
  keys = await createProject(server.url, server.adminToken, 'Logged shop');
  merchant = merchantClient(server.url, keys);
});
afterAll(() => server.close());

interface Entry {
  id: string;
  at: string;
  method: string;
  path: string;
  status: number;
  errorCode: string | null;
  latencyMs: number;
  requestId: string;
  publicKey: string;
}

async function logOf(query = '', client = merchant): Promise<Entry[]> {
  const response = await client({ method: 'GET', path: `/api/v1/request-log${query}` });
  expect(response.status).toBe(200);
  return (response.data as { data: Entry[] }).data;
}

const storedRows = () => server.database().all(server.database().qb.selectFrom('ApiRequestLog').selectAll());

describe('GET /api/v1/request-log', () => {
  it('when signed requests succeed and are refused, then each is logged after its answer with its status, code, latency, request id and public key, and nothing secret', async () => {
    const started = await merchant({
      method: 'POST',
      path: '/api/v1/transactions/initiate',
      body: initiateBody({ phone: '0712345678', accountReference: 'SECRETREF77' }),
      headers: { 'Idempotency-Key': 'idem-logged-1' },
    });
    expect(started.status).toBe(201);
    const badSignature = await merchant({
      method: 'GET',
      path: '/api/v1/transactions',
      signWith: { secretKey: 'sk_test_wrong' },
    });
    expect(badSignature.status).toBe(401);
    const stale = await merchant({
      method: 'GET',
      path: '/api/v1/transactions',
      timestamp: Math.floor(Date.now() / 1000) - 3600,
    });
    expect(stale.data.error.code).toBe('signature_expired');
    // A phone in the path and in the query: the path's is masked, the query is not kept.
    const byPhone = await merchant({
      method: 'GET',
      path: '/api/v1/transactions/254712345678?phone=0712345678',
    });
    expect(byPhone.status).toBeGreaterThanOrEqual(400);
    // A key no project has: no project to log it for.
    const unknown = merchantClient(server.url, { ...keys, publicKey: 'pk_test_nobodyhasthiskey00000000' });
    expect((await unknown({ method: 'GET', path: '/api/v1/transactions' })).status).toBe(401);

    // Answered, and not yet written: the log is written off the request's path.
    expect(await storedRows()).toHaveLength(0);
    await server.service.flushRequestLog();
    const rows = await storedRows();
    expect(rows).toHaveLength(4);

    const log = await logOf();
    // Newest first; the read itself is logged only after it answered.
    expect(log.map((entry) => [entry.method, entry.path, entry.status, entry.errorCode])).toEqual([
      ['GET', '/api/v1/transactions/254712***678', byPhone.status, byPhone.data.error.code],
      ['GET', '/api/v1/transactions', 401, 'signature_expired'],
      ['GET', '/api/v1/transactions', 401, 'signature_invalid'],
      ['POST', '/api/v1/transactions/initiate', 201, null],
    ]);
    expect(log[3]!.requestId).toBe(started.headers['x-request-id']);
    expect(log[2]!.requestId).toBe(badSignature.headers['x-request-id']);
    for (const entry of log) {
      expect(entry.publicKey).toBe(keys.publicKey);
      expect(Number.isInteger(entry.latencyMs) && entry.latencyMs >= 0).toBe(true);
      expect(Date.parse(entry.at)).toBeGreaterThan(Date.now() - 60_000);
    }
    const stored = JSON.stringify(rows);
    for (const secret of [keys.secretKey, '254712345678', '0712345678', 'SECRETREF77', 'idem-logged-1'])
      expect(stored).not.toContain(secret);
    expect(stored).not.toContain(started.request.getHeader('X-Signature') as string);
  });

  it('when filtered by status class and error code, then only those answers are listed', async () => {
    await server.service.flushRequestLog();
    const refused = await logOf('?status=4xx');
    expect(refused.length).toBeGreaterThanOrEqual(3);
    expect(refused.every((entry) => entry.status >= 400 && entry.status < 500)).toBe(true);
    const invalid = await logOf('?errorCode=signature_invalid');
    expect(invalid.map((entry) => entry.errorCode)).toEqual(['signature_invalid']);
    const succeeded = await logOf('?status=2xx&limit=100');
    expect(succeeded.every((entry) => entry.status < 300)).toBe(true);
    expect(succeeded.some((entry) => entry.path === '/api/v1/request-log')).toBe(true);
    expect((await merchant({ method: 'GET', path: '/api/v1/request-log?status=3xx' })).data.error.code).toBe(
      'validation_failed',
    );
  });

  it("when another project reads its log, then it sees none of this project's requests", async () => {
    const other = merchantClient(
      server.url,
      await createProject(server.url, server.adminToken, 'Other shop'),
    );
    await server.service.flushRequestLog();
    expect(await logOf('', other)).toEqual([]);
  });

  it('when a page is full, then nextCursor leads to the older entries', async () => {
    await server.service.flushRequestLog();
    const first = await merchant({ method: 'GET', path: '/api/v1/request-log?limit=2' });
    const cursor = first.data.nextCursor as string;
    expect(cursor).toMatch(/^rql_/);
    const next = await merchant({ method: 'GET', path: `/api/v1/request-log?limit=2&cursor=${cursor}` });
    const ids = [...first.data.data, ...next.data.data].map((entry: Entry) => entry.id);
    expect(new Set(ids).size).toBe(4);
    expect([...ids].sort().reverse()).toEqual(ids);
  });
});

describe('when the request log is older than REQUEST_LOG_RETENTION', () => {
  it('then a pruning pass deletes the old entries and keeps the recent ones', async () => {
    await server.service.flushRequestLog();
    const db = server.database();
    const old = new Date(Date.now() - 2 * 3_600_000);
    await insertRequestLogRows(db, [
      {
        id: newId('rql', old),
        createdAt: old,
        projectId: keys.projectId,
        mode: 'test',
        method: 'GET',
        path: '/api/v1/transactions',
        status: 200,
        errorCode: null,
        latencyMs: 3,
        requestId: 'req_old',
        publicKey: keys.publicKey,
      },
    ]);
    const before = (await storedRows()).length;
    const pruned = await server.service.pruneNow();
    expect(pruned.requestLog).toBe(1);
    const after = await storedRows();
    expect(after).toHaveLength(before - 1);
    expect(after.some((row) => row.requestId === 'req_old')).toBe(false);
  });
});

describe('when REQUEST_LOG_RETENTION is 0', () => {
  it('then no request is logged', async () => {
    const off = await startTestServer({ REQUEST_LOG_RETENTION: '0', REQUEST_LOG_FLUSH: '24d' });
    try {
      const client = merchantClient(off.url, await createProject(off.url, off.adminToken));
      expect((await client({ method: 'GET', path: '/api/v1/transactions' })).status).toBe(200);
      await off.service.flushRequestLog();
      expect(await off.database().all(off.database().qb.selectFrom('ApiRequestLog').selectAll())).toEqual([]);
    } finally {
      await off.close();
    }
  });
});
