// The signed merchant API: every way a signature can be wrong gets its own code, in the one
// error shape, and a valid signature binds the method, the path with its query and the body.
import { startTestServer, type TestServer } from '../helpers/server';
import {
  createProject,
  initiateBody,
  merchantClient,
  type MerchantRequest,
  type ProjectKeys,
} from '../helpers/merchant';
import { expectError, sendRaw, signedHeaders } from '../helpers/http-edges';

const TOLERANCE_SECONDS = 300;
const INITIATE = '/api/v1/transactions/initiate';
const LIST = '/api/v1/transactions';

let server: TestServer;
let keys: ProjectKeys;
let merchant: MerchantRequest;

beforeAll(async () => {
  server = await startTestServer();
  keys = await createProject(server.url, server.adminToken);
  merchant = merchantClient(server.url, keys);
});
afterAll(() => server.close());

const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('when a signature header is missing', () => {
  it.each(['X-Api-Key', 'X-Timestamp', 'X-Signature'])(
    'then without %s the call is refused with signature_missing',
    async (missing) => {
      const headers = signedHeaders(keys, { method: 'GET', path: LIST });
      delete headers[missing];
      const response = await sendRaw({ method: 'GET', url: `${server.url}${LIST}`, headers });
      expectError(response, 401, 'signature_missing');
    },
  );

  it('then a call with no headers at all is refused with signature_missing', async () => {
    const response = await sendRaw({ method: 'GET', url: `${server.url}${LIST}` });
    expectError(response, 401, 'signature_missing');
  });
});

describe('when the public key belongs to no project', () => {
  it('then the call is refused with api_key_unknown', async () => {
    const stranger = { publicKey: 'pk_nobody_has_this_key', secretKey: keys.secretKey };
    const response = await sendRaw({
      method: 'GET',
      url: `${server.url}${LIST}`,
      headers: signedHeaders(stranger, { method: 'GET', path: LIST }),
    });
    expectError(response, 401, 'api_key_unknown');
  });
});

describe('when the request is signed with another secret', () => {
  it('then the call is refused with signature_invalid', async () => {
    const response = await merchant({
      method: 'GET',
      path: LIST,
      signWith: { secretKey: 'sk_someone_elses_secret' },
    });
    expectError(response, 401, 'signature_invalid');
  });

  it('then the answer says what the server signed and with which public key, never a secret', async () => {
    const body = initiateBody({ accountReference: 'Café 1' });
    const path = `${INITIATE}?source=docs&attempt=1`;
    const response = await merchant({ method: 'POST', path, body, signWith: { secretKey: 'sk_mine' } });
    const error = expectError(response, 401, 'signature_invalid');
    expect(error.details).toEqual({
      publicKey: keys.publicKey,
      signed: {
        layout: '<X-Timestamp>\\n<METHOD>\\n<path with query>\\n<raw body>',
        timestamp: response.config.headers['X-Timestamp'],
        method: 'POST',
        pathWithQuery: path,
        bodyBytes: Buffer.byteLength(JSON.stringify(body)),
      },
    });
    expect(error.message).toContain(keys.publicKey);
    const answer = JSON.stringify(response.data);
    expect(answer).not.toContain(keys.secretKey);
    expect(answer).not.toContain(String(response.config.headers['X-Signature']));
  });

  it("then another project's valid secret does not open this project's key either", async () => {
    const other = await createProject(server.url, server.adminToken, 'Other shop');
    const response = await merchant({ method: 'GET', path: LIST, signWith: { secretKey: other.secretKey } });
    expectError(response, 401, 'signature_invalid');
  });
});

describe('when the timestamp is outside the tolerance', () => {
  it(`then a timestamp ${TOLERANCE_SECONDS + 1} s old is refused with signature_expired`, async () => {
    const response = await merchant({
      method: 'GET',
      path: LIST,
      timestamp: nowSeconds() - (TOLERANCE_SECONDS + 1),
    });
    expectError(response, 401, 'signature_expired');
  });

  it(`then a timestamp ${TOLERANCE_SECONDS + 1} s in the future is refused with signature_expired`, async () => {
    const response = await merchant({
      method: 'GET',
      path: LIST,
      timestamp: nowSeconds() + TOLERANCE_SECONDS + 1,
    });
    expectError(response, 401, 'signature_expired');
  });

  it('then a timestamp a little inside the tolerance is still accepted', async () => {
    const response = await merchant({
      method: 'GET',
      path: LIST,
      timestamp: nowSeconds() - (TOLERANCE_SECONDS - 10),
    });
    expect(response.status).toBe(200);
  });

  it('then a timestamp in milliseconds instead of seconds is refused with signature_expired', async () => {
    const response = await merchant({ method: 'GET', path: LIST, timestamp: Date.now() });
    expectError(response, 401, 'signature_expired');
  });
});

describe('when a captured valid request is replayed with another body', () => {
  it('then the original goes through and the altered replay is refused with signature_invalid', async () => {
    const body = JSON.stringify(initiateBody({ amount: 10 }));
    const headers = signedHeaders(keys, { method: 'POST', path: INITIATE, body });
    const original = await sendRaw({ method: 'POST', url: `${server.url}${INITIATE}`, body, headers });
    expect(original.status).toBe(201);

    const altered = JSON.stringify(initiateBody({ amount: 9000 }));
    const replay = await sendRaw({ method: 'POST', url: `${server.url}${INITIATE}`, body: altered, headers });
    expectError(replay, 401, 'signature_invalid');
  });
});

describe('when the signature was computed over another path', () => {
  it('then the call is refused with signature_invalid', async () => {
    const response = await merchant({
      method: 'GET',
      path: `${LIST}/txn_0000000000`,
      signWith: { path: LIST },
    });
    expectError(response, 401, 'signature_invalid');
  });

  it('then a signature for GET does not authorise a POST to the same path', async () => {
    const body = JSON.stringify(initiateBody());
    const headers = { ...signedHeaders(keys, { method: 'GET', path: INITIATE, body }) };
    const response = await sendRaw({ method: 'POST', url: `${server.url}${INITIATE}`, body, headers });
    expectError(response, 401, 'signature_invalid');
  });
});

describe('when the path carries a query string', () => {
  it('then a signature over the path with its query is accepted', async () => {
    const response = await merchant({ method: 'GET', path: `${LIST}?status=pending` });
    expect(response.status).toBe(200);
    expect(response.data).toEqual({ data: expect.any(Array), nextCursor: null });
  });

  it('then a signature over the path without its query is refused with signature_invalid', async () => {
    const response = await merchant({
      method: 'GET',
      path: `${LIST}?status=pending`,
      signWith: { path: LIST },
    });
    expectError(response, 401, 'signature_invalid');
  });

  it('then a signature over another query is refused with signature_invalid', async () => {
    const response = await merchant({
      method: 'GET',
      path: `${LIST}?status=completed`,
      signWith: { path: `${LIST}?status=pending` },
    });
    expectError(response, 401, 'signature_invalid');
  });
});

describe('when the client sends its own X-Request-Id', () => {
  it('then the error names that request id', async () => {
    const response = await sendRaw({
      method: 'GET',
      url: `${server.url}${LIST}`,
      headers: { 'X-Request-Id': 'client-req-12345678' },
    });
    const error = expectError(response, 401, 'signature_missing');
    expect(error.requestId).toBe('client-req-12345678');
  });
});
