// Failed authentication is limited: per source address and per public key for signatures,
// per source for admin tokens, per socket and per source for Socket.io subscriptions. Past the
// allowance the answer is 429 with Retry-After (an ack `rate_limited` on sockets); correct
// traffic is never counted. TRUST_PROXY=true lets the test speak from many addresses
// (X-Forwarded-For) through one loopback connection.
import { randomBytes } from 'node:crypto';
import { startTestServer, sameDatabase, type TestServer } from '../helpers/server';
import { createProject, initiateBody, merchantClient, type ProjectKeys } from '../helpers/merchant';
import { expectError, sendRaw, signedHeaders } from '../helpers/http-edges';
import { connectSubscriber, type Subscriber } from '../helpers/realtime';

const LIST = '/api/v1/transactions';
const ALLOWED = 3;

const from = (address: string) => ({ 'X-Forwarded-For': address });
const list = (server: TestServer, keys: ProjectKeys, address: string, secretKey = keys.secretKey) =>
  sendRaw({
    method: 'GET',
    url: `${server.url}${LIST}`,
    headers: { ...signedHeaders({ ...keys, secretKey }, { method: 'GET', path: LIST }), ...from(address) },
  });
const wrongSignature = (server: TestServer, keys: ProjectKeys, address: string) =>
  list(server, keys, address, 'sk_wrong');

function expectTooMany(response: Awaited<ReturnType<typeof sendRaw>>) {
  const error = expectError(response, 429, 'rate_limited');
  expect(response.headers['retry-after']).toMatch(/^[1-9]\d*$/);
  expect(error.details).toEqual({ retryAfterSeconds: Number(response.headers['retry-after']) });
}

describe('when one address sends wrong signatures', () => {
  let server: TestServer;
  let keys: ProjectKeys;
  beforeAll(async () => {
    server = await startTestServer({
      TRUST_PROXY: 'true',
      SIGNATURE_FAILURES_PER_SOURCE: String(ALLOWED),
      SIGNATURE_FAILURES_PER_KEY: '1000',
    });
    keys = await createProject(server.url, server.adminToken);
  });
  afterAll(() => server.close());

  it(`then after ${ALLOWED} failures it gets 429 with Retry-After, before any check, and other addresses do not`, async () => {
    for (let i = 0; i < ALLOWED; i += 1)
      expectError(await wrongSignature(server, keys, '203.0.113.7'), 401, 'signature_invalid');
    expectTooMany(await wrongSignature(server, keys, '203.0.113.7'));
    expectTooMany(await list(server, keys, '203.0.113.7'));
    expect((await list(server, keys, '203.0.113.8')).status).toBe(200);
  });

  it('then unknown public keys and replays count as failures too', async () => {
    const stranger = { ...keys, publicKey: 'pk_nobody' };
    for (let i = 0; i < ALLOWED - 1; i += 1)
      expectError(await list(server, stranger, '198.51.100.1'), 401, 'api_key_unknown');
    const body = JSON.stringify(initiateBody());
    const replay = {
      ...signedHeaders(keys, { method: 'POST', path: '/api/v1/transactions/initiate', body }),
      ...from('198.51.100.1'),
    };
    expect(
      (
        await sendRaw({
          method: 'POST',
          url: `${server.url}/api/v1/transactions/initiate`,
          body,
          headers: replay,
        })
      ).status,
    ).toBe(201);
    expectError(
      await sendRaw({
        method: 'POST',
        url: `${server.url}/api/v1/transactions/initiate`,
        body,
        headers: replay,
      }),
      401,
      'signature_replayed',
    );
    expectTooMany(await list(server, keys, '198.51.100.1'));
  });

  it('then a source on IPv6 is counted by its /64, so rotating addresses inside it does not help', async () => {
    for (let i = 0; i < ALLOWED; i += 1)
      expectError(await wrongSignature(server, keys, `2001:db8:1:2::${i + 1}`), 401, 'signature_invalid');
    expectTooMany(await wrongSignature(server, keys, '2001:db8:1:2:ffff::9'));
    expect((await list(server, keys, '2001:db8:1:3::1')).status).toBe(200);
  });

  it('then correct calls are never counted: many of them from one address stay 200', async () => {
    const merchant = merchantClient(server.url, keys);
    const answers = await Promise.all(
      Array.from({ length: 3 * ALLOWED }, () =>
        merchant({ method: 'GET', path: LIST, headers: from('192.0.2.50') }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(3 * ALLOWED).fill(200));
  });
});

describe('when wrong signatures for one public key come from many addresses', () => {
  let server: TestServer;
  let keys: ProjectKeys;
  beforeAll(async () => {
    server = await startTestServer({
      TRUST_PROXY: 'true',
      SIGNATURE_FAILURES_PER_SOURCE: '1000',
      SIGNATURE_FAILURES_PER_KEY: String(ALLOWED),
    });
    keys = await createProject(server.url, server.adminToken);
  });
  afterAll(() => server.close());

  it('then past the allowance they get 429, while the merchant’s correctly signed calls still get in', async () => {
    for (let i = 0; i < ALLOWED; i += 1)
      expectError(await wrongSignature(server, keys, `203.0.113.${i + 1}`), 401, 'signature_invalid');
    expectTooMany(await wrongSignature(server, keys, '203.0.113.99'));
    expectTooMany(await wrongSignature(server, keys, '203.0.113.100'));
    expect((await list(server, keys, '192.0.2.1')).status).toBe(200);
  });
});

describe('when one address tries wrong admin tokens', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ TRUST_PROXY: 'true', ADMIN_FAILURES_PER_SOURCE: String(ALLOWED) });
  });
  afterAll(() => server.close());

  const projects = (address: string, token: string) =>
    sendRaw({
      method: 'GET',
      url: `${server.url}/api/v1/projects`,
      headers: { Authorization: `Bearer ${token}`, ...from(address) },
    });

  it(`then after ${ALLOWED} it gets 429 even with the right token, and other addresses do not`, async () => {
    for (let i = 0; i < ALLOWED; i += 1)
      expectError(
        await projects('203.0.113.20', `adm_guess_${i}_${'x'.repeat(20)}`),
        401,
        'admin_unauthorized',
      );
    expectTooMany(await projects('203.0.113.20', server.adminToken));
    expect((await projects('203.0.113.21', server.adminToken)).status).toBe(200);
  });
});

describe('when wrong client secrets are tried over Socket.io', () => {
  let server: TestServer;
  let transactionId: string;
  const sockets: Subscriber[] = [];
  beforeAll(async () => {
    server = await startTestServer({
      SUBSCRIBE_FAILURES_PER_SOCKET: '10',
      SUBSCRIBE_FAILURES_PER_SOURCE: '25',
    });
    const merchant = merchantClient(server.url, await createProject(server.url, server.adminToken));
    transactionId = (
      await merchant({ method: 'POST', path: '/api/v1/transactions/initiate', body: initiateBody() })
    ).data.transaction.id;
  });
  afterAll(async () => {
    sockets.forEach((socket) => socket.close());
    await server.close();
  });
  const connect = async () => {
    const socket = await connectSubscriber(server.url);
    sockets.push(socket);
    return socket;
  };

  it('then 300 wrong secrets in a row on one socket are refused 10 times, then answered rate_limited', async () => {
    const socket = await connect();
    const acks = [];
    for (let i = 0; i < 300; i += 1)
      acks.push(await socket.subscribe(transactionId, `cs_${randomBytes(8).toString('hex')}`));
    const codes = acks.map((ack) => ack.error?.code);
    expect(codes.slice(0, 10)).toEqual(Array(10).fill('subscription_refused'));
    expect(new Set(codes.slice(10))).toEqual(new Set(['rate_limited']));
    expect(acks[10]).toMatchObject({ ok: false, error: { retryAfterSeconds: expect.any(Number) } });
  });

  it('then new sockets from the same address are limited too once the address used up its allowance', async () => {
    // The first test's socket used 10 of this address's 25; two more sockets use 10 and 5.
    const second = await connect();
    for (let i = 0; i < 10; i += 1)
      expect((await second.subscribe(transactionId, 'cs_wrong')).error?.code).toBe('subscription_refused');
    const third = await connect();
    for (let i = 0; i < 5; i += 1)
      expect((await third.subscribe(transactionId, 'cs_wrong')).error?.code).toBe('subscription_refused');
    expect((await third.subscribe(transactionId, 'cs_wrong')).error?.code).toBe('rate_limited');
  });
});

describe('when two instances share Redis', () => {
  let first: TestServer;
  let second: TestServer;
  let keys: ProjectKeys;
  beforeAll(async () => {
    const redis = {
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_KEY_PREFIX: `test:${randomBytes(4).toString('hex')}:`,
      TRUST_PROXY: 'true',
      SIGNATURE_FAILURES_PER_SOURCE: String(ALLOWED),
    };
    first = await startTestServer(redis);
    second = await startTestServer({ ...redis, ...sameDatabase(first) });
    keys = await createProject(first.url, first.adminToken);
  });
  afterAll(async () => {
    await first.close();
    await second.close();
  });

  it('then failures counted on one are refused on the other', async () => {
    for (let i = 0; i < ALLOWED; i += 1)
      expectError(
        await wrongSignature(i % 2 ? second : first, keys, '203.0.113.30'),
        401,
        'signature_invalid',
      );
    expectTooMany(await wrongSignature(second, keys, '203.0.113.30'));
    expectTooMany(await wrongSignature(first, keys, '203.0.113.30'));
  });
});
