// The HTTP edges every request crosses: body parsing, unknown routes, security headers,
// health probes and the per-project rate limit. Errors keep the one shape and never leak a
// stack trace.
import axios from 'axios';
import { startTestServer, type TestServer } from '../helpers/server';
import {
  createProject,
  initiateBody,
  merchantClient,
  type MerchantRequest,
  type ProjectKeys,
} from '../helpers/merchant';
import { expectError, expectNoStackTrace, sendRaw, signedHeaders } from '../helpers/http-edges';
import { keysOf } from '../helpers/accounts';

const INITIATE = '/api/v1/transactions/initiate';
const RATE_LIMIT_MAX = 3;

let server: TestServer;
let keys: ProjectKeys;

beforeAll(async () => {
  server = await startTestServer({ BODY_LIMIT: '1kb', RATE_LIMIT_MAX: String(RATE_LIMIT_MAX) });
  keys = await createProject(server.url, server.adminToken);
});
afterAll(() => server.close());

/** A signed POST of exactly these bytes, so the body parser is the only thing that can object. */
const postSigned = (body: string, signer: ProjectKeys = keys) =>
  sendRaw({
    method: 'POST',
    url: `${server.url}${INITIATE}`,
    body,
    headers: signedHeaders(signer, { method: 'POST', path: INITIATE, body }),
  });

describe('when the body is not valid JSON', () => {
  it.each(['{"phone": "0712345678",', "{'single': 'quotes'}", '{"amount": 10}}'])(
    'then %s is refused with invalid_json',
    async (body) => {
      const error = expectError(await postSigned(body), 400, 'invalid_json');
      expect(error.message).not.toMatch(/Unexpected token|position/);
    },
  );
});

describe('when the body is over BODY_LIMIT', () => {
  it('then it is refused with payload_too_large', async () => {
    const body = JSON.stringify(initiateBody({ metadata: { padding: 'x'.repeat(2048) } }));
    expectError(await postSigned(body), 413, 'payload_too_large');
  });

  it('then a body just under the limit is read', async () => {
    const body = JSON.stringify(initiateBody({ metadata: { padding: 'x'.repeat(600) } }));
    expect(Buffer.byteLength(body)).toBeLessThan(1024);
    expect((await postSigned(body)).status).toBe(201);
  });
});

describe('when no route matches', () => {
  it.each([
    ['GET', '/nothing/here'],
    ['POST', '/api/v1/nothing'],
    ['GET', '/api/v2/transactions'],
  ] as const)('then %s %s is 404 route_not_found', async (method, path) => {
    expectError(await sendRaw({ method, url: `${server.url}${path}` }), 404, 'route_not_found');
  });
});

describe('when requests fail in every way we know', () => {
  it('then no error body carries a stack trace or a source path', async () => {
    const merchant = merchantClient(
      server.url,
      await createProject(server.url, server.adminToken, 'Failing'),
    );
    const failures = await Promise.all([
      postSigned('{not json'),
      postSigned(JSON.stringify({ padding: 'x'.repeat(4096) })),
      sendRaw({ method: 'GET', url: `${server.url}/no/such/route` }),
      sendRaw({ method: 'GET', url: `${server.url}/api/v1/transactions` }),
      sendRaw({ method: 'POST', url: `${server.url}/api/v1/projects`, body: '{"name":"x"}' }),
      merchant({ method: 'POST', path: INITIATE, body: initiateBody({ phone: 'nope', amount: -1 }) }),
      merchant({ method: 'GET', path: '/api/v1/transactions/txn_0000000000000000' }),
    ]);
    for (const response of failures) {
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(typeof response.data).toBe('object');
      expectNoStackTrace(response.data);
    }
  });
});

describe('when any response goes out', () => {
  it('then helmet security headers are set and x-powered-by is not', async () => {
    const response = await sendRaw({ method: 'GET', url: `${server.url}/health` });
    expect(response.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'strict-transport-security': expect.stringContaining('max-age='),
      'content-security-policy': expect.stringContaining("default-src 'self'"),
      'referrer-policy': 'no-referrer',
    });
    expect(response.headers['x-powered-by']).toBeUndefined();
  });

  it('then error responses carry the same headers', async () => {
    const response = await sendRaw({ method: 'GET', url: `${server.url}/nothing` });
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-request-id']).toEqual(expect.any(String));
  });
});

describe('when an orchestrator probes the service', () => {
  it('then /health answers 200 ok', async () => {
    const response = await sendRaw({ method: 'GET', url: `${server.url}/health` });
    expect(response.status).toBe(200);
    expect(response.data).toEqual({ status: 'ok' });
  });

  it('then /ready answers 200 once the database is reachable', async () => {
    const response = await sendRaw({ method: 'GET', url: `${server.url}/ready` });
    expect(response.status).toBe(200);
    expect(response.data).toEqual({ status: 'ready' });
  });
});

describe('when one project calls faster than RATE_LIMIT_MAX', () => {
  it('then its calls past the limit are 429 rate_limited with RateLimit headers, and another project is not limited', async () => {
    const busy = merchantClient(server.url, await createProject(server.url, server.adminToken, 'Busy'));
    const calm = merchantClient(server.url, await createProject(server.url, server.adminToken, 'Calm'));
    const list = (merchant: MerchantRequest) => merchant({ method: 'GET', path: '/api/v1/transactions' });

    for (let i = 0; i < RATE_LIMIT_MAX; i += 1) {
      const allowed = await list(busy);
      expect(allowed.status).toBe(200);
      expect(allowed.headers.ratelimit).toEqual(expect.stringContaining(`r=${RATE_LIMIT_MAX - 1 - i}`));
    }
    const refused = await list(busy);
    const error = expectError(refused, 429, 'rate_limited');
    expect(error.details).toMatchObject({ limit: RATE_LIMIT_MAX });
    expect(refused.headers['ratelimit-policy']).toEqual(expect.stringContaining(`q=${RATE_LIMIT_MAX}`));
    expect(refused.headers.ratelimit).toEqual(expect.stringContaining('r=0'));
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);

    const other = await list(calm);
    expect(other.status).toBe(200);
    expect(other.headers.ratelimit).toEqual(expect.stringContaining(`r=${RATE_LIMIT_MAX - 1}`));
  });

  it('then test-key calls use up only the test allowance: the same project’s live key still gets in', async () => {
    const created = (
      await axios.post(
        `${server.url}/api/v1/projects`,
        { name: 'Two modes' },
        { headers: { Authorization: `Bearer ${server.adminToken}` } },
      )
    ).data;
    const test = merchantClient(server.url, keysOf(created, 'test'));
    const live = merchantClient(server.url, keysOf(created, 'live'));
    const list = (merchant: MerchantRequest) => merchant({ method: 'GET', path: '/api/v1/transactions' });
    for (let i = 0; i < RATE_LIMIT_MAX; i += 1) expect((await list(test)).status).toBe(200);
    expectError(await list(test), 429, 'rate_limited');
    const other = await list(live);
    expect(other.status).toBe(200);
    expect(other.headers.ratelimit).toEqual(expect.stringContaining(`r=${RATE_LIMIT_MAX - 1}`));
  });

  it('then a badly signed call does not use up the project’s budget', async () => {
    const victimKeys = await createProject(server.url, server.adminToken, 'Victim');
    const victim = merchantClient(server.url, victimKeys);
    for (let i = 0; i < RATE_LIMIT_MAX + 2; i += 1) {
      const forged = await victim({
        method: 'GET',
        path: '/api/v1/transactions',
        signWith: { secretKey: 'sk_forged' },
      });
      expect(forged.status).toBe(401);
    }
    expect((await victim({ method: 'GET', path: '/api/v1/transactions' })).status).toBe(200);
  });
});

describe('when a correctly signed body is not sent as JSON', () => {
  it.each([['text/plain'], [undefined]])(
    'then Content-Type %p is 415 unsupported_media_type naming the type to send',
    async (contentType) => {
      const body = JSON.stringify(initiateBody());
      const headers: Record<string, string> = {
        ...signedHeaders(keys, { method: 'POST', path: INITIATE, body }),
      };
      const response = await sendRaw({
        method: 'POST',
        url: `${server.url}${INITIATE}`,
        body,
        headers: { ...headers, 'Content-Type': contentType },
      });
      const error = expectError(response, 415, 'unsupported_media_type');
      expect(error.message).toContain('application/json');
    },
  );

  it('then a bodiless POST (Content-Length: 0, as fetch sends it) still needs no Content-Type', async () => {
    const initiated = await postSigned(JSON.stringify(initiateBody()));
    const path = `/api/v1/transactions/${initiated.data.transaction.id}/reconcile`;
    const response = await sendRaw({
      method: 'POST',
      url: `${server.url}${path}`,
      body: '',
      headers: { ...signedHeaders(keys, { method: 'POST', path }), 'Content-Type': undefined },
    });
    expect(response.status).toBe(200);
  });
});

describe('when the input is malformed in a way that used to be a 500', () => {
  it('then bad %-encoding in a path parameter, unauthenticated, is 400 validation_failed naming the path', async () => {
    const error = expectError(
      await sendRaw({ method: 'POST', url: `${server.url}/api/v1/projects/%ZZ/keys/rotate` }),
      400,
      'validation_failed',
    );
    expect(error.details).toEqual({
      fields: [{ field: '(path)', in: 'path', message: expect.stringContaining('percent-encoded') }],
    });
  });

  it('then a body that fails decompression is 400 body_unreadable, on GET /health too', async () => {
    const garbage = Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.from('not really gzip')]);
    const response = await axios.request({
      method: 'GET',
      url: `${server.url}/health`,
      data: garbage,
      headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
      validateStatus: () => true,
    });
    expectError(response, 400, 'body_unreadable');
  });

  it('then an unknown Content-Encoding or charset is 415 unsupported_media_type', async () => {
    const body = JSON.stringify(initiateBody());
    const signed = signedHeaders(keys, { method: 'POST', path: INITIATE, body });
    expectError(
      await sendRaw({
        method: 'POST',
        url: `${server.url}${INITIATE}`,
        body,
        headers: { ...signed, 'Content-Encoding': 'compress' },
      }),
      415,
      'unsupported_media_type',
    );
    expectError(
      await sendRaw({
        method: 'POST',
        url: `${server.url}${INITIATE}`,
        body,
        headers: { ...signed, 'Content-Type': 'application/json; charset=klingon' },
      }),
      415,
      'unsupported_media_type',
    );
  });

  it.each([
    ['a NUL', 'Shop\u0000'],
    ['a lone surrogate', 'Shop \ud800'],
  ])('then a project name with %s is 400 validation_failed on every database', async (_label, name) => {
    const response = await sendRaw({
      method: 'POST',
      url: `${server.url}/api/v1/projects`,
      body: JSON.stringify({ name }),
      headers: { Authorization: `Bearer ${server.adminToken}` },
    });
    const error = expectError(response, 400, 'validation_failed');
    expect(error.details).toEqual({
      fields: [
        { field: 'name', in: 'body', message: 'must not contain NUL or unpaired surrogate characters' },
      ],
    });
  });

  it('then a NUL in a query parameter is 400 validation_failed naming the query parameter', async () => {
    const path = '/api/v1/events?transactionId=txn_%00';
    const ownKeys = await createProject(server.url, server.adminToken, 'Query NUL');
    const response = await sendRaw({
      method: 'GET',
      url: `${server.url}${path}`,
      headers: signedHeaders(ownKeys, { method: 'GET', path }),
    });
    const error = expectError(response, 400, 'validation_failed');
    expect(error.message).toBe(
      'query parameter transactionId must not contain NUL or unpaired surrogate characters',
    );
  });

  describe('with a body limit large enough for deep nesting', () => {
    let big: TestServer;
    let bigKeys: ProjectKeys;
    beforeAll(async () => {
      big = await startTestServer();
      bigKeys = await createProject(big.url, big.adminToken);
    });
    afterAll(() => big.close());

    it.each([
      [
        'metadata nested 10,000 deep',
        `{"phone":"0712345678","amount":10,"accountReference":"A","metadata":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`,
        'metadata',
      ],
      [
        'metadata nested 6 deep',
        `{"phone":"0712345678","amount":10,"accountReference":"A","metadata":${'{"a":'.repeat(6)}1${'}'.repeat(6)}}`,
        'metadata',
      ],
      ['a body nested 20,000 deep', `${'['.repeat(20_000)}${']'.repeat(20_000)}`, '(body)'],
    ])('then %s is 400 validation_failed naming where, not a RangeError', async (_label, body, field) => {
      const response = await sendRaw({
        method: 'POST',
        url: `${big.url}${INITIATE}`,
        body,
        headers: signedHeaders(bigKeys, { method: 'POST', path: INITIATE, body }),
      });
      const error = expectError(response, 400, 'validation_failed');
      expect((error.details as { fields: Array<{ field: string }> }).fields[0]!.field).toBe(field);
    });
  });
});
