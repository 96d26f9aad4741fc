// A captured signed request is accepted once. Replays of a state-changing request are refused
// with 401 signature_replayed, within one instance and across instances sharing Redis; a
// repeat carrying the first use's Idempotency-Key reaches the idempotency store instead.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { sameDatabase, startTestServer, type TestServer } from '../helpers/server';
import { createProject, initiateBody, type ProjectKeys } from '../helpers/merchant';
import { expectError, sendRaw, signedHeaders, simulatorStats } from '../helpers/http-edges';

const INITIATE = '/api/v1/transactions/initiate';
const REDIS_URL = 'redis://127.0.0.1:6379';

/** One signed initiate, captured: the same bytes and headers each time it is sent. */
function captured(keys: ProjectKeys, extraHeaders: Record<string, string> = {}) {
  const body = JSON.stringify(initiateBody({ accountReference: `R${randomBytes(3).toString('hex')}` }));
  const headers = { ...signedHeaders(keys, { method: 'POST', path: INITIATE, body }), ...extraHeaders };
  return (server: TestServer, more: Record<string, string> = {}) =>
    sendRaw({ method: 'POST', url: `${server.url}${INITIATE}`, body, headers: { ...headers, ...more } });
}

describe('when a signed initiate without an Idempotency-Key is replayed', () => {
  let server: TestServer;
  let keys: ProjectKeys;
  beforeAll(async () => {
    server = await startTestServer();
    keys = await createProject(server.url, server.adminToken);
  });
  afterAll(() => server.close());

  it('then five replays are refused with signature_replayed and the simulator saw one push', async () => {
    const send = captured(keys);
    const pushesBefore = (await simulatorStats(server)).stkPushes;
    expect((await send(server)).status).toBe(201);
    for (let i = 0; i < 5; i += 1) expectError(await send(server), 401, 'signature_replayed');
    expect((await simulatorStats(server)).stkPushes).toBe(pushesBefore + 1);
  });

  it('then the replay is refused whatever the case of the signature’s hex', async () => {
    const send = captured(keys);
    const first = await send(server);
    expect(first.status).toBe(201);
    const signature = String(first.config.headers['X-Signature']);
    expectError(await send(server, { 'X-Signature': signature.toUpperCase() }), 401, 'signature_replayed');
  });

  it('then adding an Idempotency-Key to the captured request does not get it past', async () => {
    const send = captured(keys);
    expect((await send(server)).status).toBe(201);
    expectError(await send(server, { 'Idempotency-Key': 'attacker-1' }), 401, 'signature_replayed');
    expectError(await send(server, { 'Idempotency-Key': 'attacker-1' }), 401, 'signature_replayed');
  });

  it('then the same five replays at once still make one push', async () => {
    const send = captured(keys);
    const pushesBefore = (await simulatorStats(server)).stkPushes;
    const answers = await Promise.all(Array.from({ length: 5 }, () => send(server)));
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 401, 401, 401, 401]);
    expect((await simulatorStats(server)).stkPushes).toBe(pushesBefore + 1);
  });

  it('then a replayed read is answered again (it changes nothing)', async () => {
    const path = '/api/v1/transactions';
    const headers = signedHeaders(keys, { method: 'GET', path });
    expect((await sendRaw({ method: 'GET', url: `${server.url}${path}`, headers })).status).toBe(200);
    expect((await sendRaw({ method: 'GET', url: `${server.url}${path}`, headers })).status).toBe(200);
  });
});

describe('when a signed initiate with an Idempotency-Key is sent again byte for byte', () => {
  let server: TestServer;
  let keys: ProjectKeys;
  beforeAll(async () => {
    server = await startTestServer();
    keys = await createProject(server.url, server.adminToken);
  });
  afterAll(() => server.close());

  it('then the repeat gets the first answer from the idempotency store, and no second push', async () => {
    const send = captured(keys, { 'Idempotency-Key': `order-${randomBytes(4).toString('hex')}` });
    const pushesBefore = (await simulatorStats(server)).stkPushes;
    const first = await send(server);
    const again = await send(server);
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.data.transaction.id).toBe(first.data.transaction.id);
    expect((await simulatorStats(server)).stkPushes).toBe(pushesBefore + 1);
  });
});

describe('when two instances share Redis and the replay goes to the other one', () => {
  let first: TestServer;
  let second: TestServer;
  let keys: ProjectKeys;
  beforeAll(async () => {
    const redis = { REDIS_URL, REDIS_KEY_PREFIX: `test:${randomBytes(4).toString('hex')}:` };
    first = await startTestServer(redis);
    second = await startTestServer({ ...redis, ...sameDatabase(first) });
    keys = await createProject(first.url, first.adminToken);
  });
  afterAll(async () => {
    await first.close();
    await second.close();
  });

  it('then the second instance refuses it and only the first instance pushed', async () => {
    const send = captured(keys);
    const [firstBefore, secondBefore] = [
      (await simulatorStats(first)).stkPushes,
      (await simulatorStats(second)).stkPushes,
    ];
    expect((await send(first)).status).toBe(201);
    expectError(await send(second), 401, 'signature_replayed');
    expectError(await send(first), 401, 'signature_replayed');
    expect((await simulatorStats(first)).stkPushes).toBe(firstBefore + 1);
    expect((await simulatorStats(second)).stkPushes).toBe(secondBefore);
  });
});

describe('when REDIS_URL is set but nothing answers there', () => {
  it('then the start fails naming REDIS_URL, without a client left retrying', async () => {
    await expect(startTestServer({ REDIS_URL: 'redis://127.0.0.1:1' })).rejects.toThrow(
      /^REDIS_URL: cannot connect to Redis \(connect ECONNREFUSED/,
    );
  });
});

/** A TCP relay to the real Redis that the test can cut: a Redis outage on demand. */
async function startCuttableRelay(target: { host: string; port: number }) {
  const sockets = new Set<net.Socket>();
  const relay = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  return {
    url: `redis://127.0.0.1:${(relay.address() as AddressInfo).port}`,
    cut: () =>
      new Promise<void>((resolve) => {
        relay.close(() => resolve());
        sockets.forEach((socket) => socket.destroy());
      }),
  };
}

describe('when Redis goes away while the service runs', () => {
  let server: TestServer;
  let keys: ProjectKeys;
  let relay: Awaited<ReturnType<typeof startCuttableRelay>>;
  beforeAll(async () => {
    relay = await startCuttableRelay({ host: '127.0.0.1', port: 6379 });
    server = await startTestServer({
      REDIS_URL: relay.url,
      REDIS_KEY_PREFIX: `test:${randomBytes(4).toString('hex')}:`,
    });
    keys = await createProject(server.url, server.adminToken);
  });
  afterAll(() => server.close());

  it('then signed writes are refused with 503 service_unavailable (a replay cannot be told apart), and reads and failures go on', async () => {
    expect((await captured(keys)(server)).status).toBe(201);
    await relay.cut();
    const refused = await captured(keys)(server);
    expectError(refused, 503, 'service_unavailable');
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);
    const path = '/api/v1/transactions';
    expect(
      (
        await sendRaw({
          method: 'GET',
          url: `${server.url}${path}`,
          headers: signedHeaders(keys, { method: 'GET', path }),
        })
      ).status,
    ).toBe(200);
    // The failure limits count in memory meanwhile: a wrong signature is still a 401, not a 500.
    const forged = signedHeaders({ ...keys, secretKey: 'sk_wrong' }, { method: 'GET', path });
    expectError(
      await sendRaw({ method: 'GET', url: `${server.url}${path}`, headers: forged }),
      401,
      'signature_invalid',
    );
  });

  it('then /ready says Redis is unreachable (503), so a balancer sends this instance nothing', async () => {
    const ready = await sendRaw({ method: 'GET', url: `${server.url}/ready` });
    expect(ready.status).toBe(503);
    expect(ready.data).toEqual({ status: 'redis_unreachable' });
  });
});
