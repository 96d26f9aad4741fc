// The checkout demo's backend without a browser (the browser test is `npm run test:browser`):
// its API over real HTTP against the real service, Socket.io carried on its own origin, the
// status fallback, and where `npm run demo` keeps its data and project keys.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { io } from 'socket.io-client';
import { subscribeToTransaction, type ClientTransaction } from '@mpesa-bridge/sdk/browser';
import { loadConfig } from '../../src/config';
import { closedPortUrl } from '../sdk/sdk-client';
import { createProject } from '../helpers/merchant';
import { connectSubscriber } from '../helpers/realtime';
import { startTestServer, type TestServer } from '../helpers/server';
import { startMerchantBackend, type RunningMerchantBackend } from '../../demo/start-demo';
import { demoProjectKeys } from '../../demo/demo-project';
import { DEFAULT_DEMO_DATA_DIR, loadDemoConfig } from '../../demo/demo-config';

let server: TestServer;
let backend: RunningMerchantBackend;
beforeAll(async () => {
  server = await startTestServer();
  const keys = await createProject(server.url, server.adminToken);
  backend = await startMerchantBackend({
    serviceUrl: server.url,
    publicKey: keys.publicKey,
    secretKey: keys.secretKey,
  });
});
afterAll(async () => {
  await backend.close();
  await server.close();
});

const shop = () => `http://127.0.0.1:${backend.port}`;
const checkout = (body: unknown) =>
  fetch(`${shop()}/api/checkout`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });

async function startPayment(phone = '0712345678'): Promise<{ transactionId: string; clientSecret: string }> {
  const response = await checkout({ phone, amount: 10 });
  expect(response.status).toBe(201);
  return (await response.json()) as { transactionId: string; clientSecret: string };
}

describe('POST /api/checkout', () => {
  it('then a payment starts and the browser gets only the id and the client secret', async () => {
    const response = await checkout({ phone: '0712345678', amount: 10 });
    expect(response.status).toBe(201);
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['amount', 'clientSecret', 'phone', 'transactionId']);
    expect(body.transactionId).toMatch(/^txn_/);
    expect(body.clientSecret).toMatch(/^cs_/);
  });

  it('then a bad phone is a 400 with a message for the customer', async () => {
    const response = await checkout({ phone: '12', amount: 10 });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { code: 'validation_failed', message: 'Enter a Kenyan mobile number, e.g. 0712345678' },
    });
  });
});

describe('GET /api/config', () => {
  it('then the page gets the test phones and no service address: it only ever talks to its own origin', async () => {
    const response = await fetch(`${shop()}/api/config`);
    const body = (await response.json()) as { testPhones: Array<{ phone: string }> };
    expect(Object.keys(body)).toEqual(['testPhones']);
    expect(body.testPhones.map((entry) => entry.phone)).toContain('0700000001');
  });
});

describe("the service's Socket.io on the shop's own origin", () => {
  it.each([['websocket'], ['polling']])(
    'then a browser subscribes through the shop (%s transport) and follows the payment to completed',
    async (transport) => {
      const payment = await startPayment();
      const subscriber = await connectSubscriber(shop(), { transports: [transport] });
      try {
        expect(await subscriber.subscribe(payment.transactionId, payment.clientSecret)).toEqual({ ok: true });
        const completed = await subscriber.waitForStatus('completed', 10_000);
        expect(completed).toMatchObject({ id: payment.transactionId, phone: '254712***678' });
      } finally {
        subscriber.close();
      }
    },
  );

  it('then the shop answers 502 for Socket.io when the service is down, and nothing else breaks', async () => {
    const offline = await startMerchantBackend({
      serviceUrl: await closedPortUrl(),
      publicKey: 'pk_x',
      secretKey: 'sk_x',
    });
    try {
      const polled = await fetch(`http://127.0.0.1:${offline.port}/socket.io/?EIO=4&transport=polling`);
      expect(polled.status).toBe(502);
      expect((await fetch(`http://127.0.0.1:${offline.port}/api/config`)).status).toBe(200);
      const socket = io(`http://127.0.0.1:${offline.port}`, {
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
      });
      await new Promise<void>((resolve) => socket.once('connect_error', () => resolve()));
      socket.close();
    } finally {
      await offline.close();
    }
  });
});

describe('GET /api/payments/:id (the status fallback)', () => {
  it('then the browser holding the client secret gets the view the socket sends; anyone else gets 404', async () => {
    const payment = await startPayment('0700000001');
    const read = (id: string, secret?: string) =>
      fetch(`${shop()}/api/payments/${id}`, { headers: secret ? { 'X-Client-Secret': secret } : {} });
    const answer = await read(payment.transactionId, payment.clientSecret);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const { transaction } = (await answer.json()) as { transaction: ClientTransaction };
    expect(Object.keys(transaction).sort()).toEqual([
      'amount',
      'currency',
      'customerMessage',
      'failure',
      'id',
      'mpesaReceiptNumber',
      'paidElsewhere',
      'phone',
      'settledAt',
      'status',
      'updatedAt',
    ]);
    expect(transaction).toMatchObject({ id: payment.transactionId, phone: '254700***001', amount: 10 });
    for (const refused of [
      await read(payment.transactionId, 'cs_wrong'),
      await read(payment.transactionId),
      await read('txn_unknown', payment.clientSecret),
    ]) {
      expect(refused.status).toBe(404);
      expect(await refused.json()).toEqual({
        error: {
          code: 'payment_not_found',
          message: expect.any(String),
          requestId: expect.stringMatching(/^req_/),
        },
      });
    }
  });

  it("then the SDK's browser entry, its socket out of reach, follows the payment by polling it to the final state", async () => {
    const payment = await startPayment('0700000001');
    const updates: ClientTransaction[] = [];
    const errors: string[] = [];
    let settled: () => void = () => undefined;
    const final = new Promise<void>((resolve) => (settled = resolve));
    const subscription = subscribeToTransaction({
      baseUrl: await closedPortUrl(),
      socketOptions: { reconnection: false },
      transactionId: payment.transactionId,
      clientSecret: payment.clientSecret,
      statusUrl: `${shop()}/api/payments/${payment.transactionId}`,
      pollIntervalMs: 50,
      onUpdate: (update) => {
        updates.push(update);
        if (update.status === 'cancelled') settled();
      },
      onError: (error) => errors.push(error.code),
    });
    try {
      await subscription.subscribed;
      await final;
      expect(errors).toContain('realtime_unavailable');
      expect(updates.at(-1)).toMatchObject({
        id: payment.transactionId,
        status: 'cancelled',
        failure: { code: 'cancelled_by_customer' },
      });
      // Each state once: a poll that finds nothing new says nothing.
      expect(new Set(updates.map((update) => update.status)).size).toBe(updates.length);
    } finally {
      subscription.close();
    }
  });

  it('then a status URL that refuses the payment ends the subscription as refused', async () => {
    const payment = await startPayment();
    const errors: string[] = [];
    const subscription = subscribeToTransaction({
      baseUrl: await closedPortUrl(),
      socketOptions: { reconnection: false },
      transactionId: payment.transactionId,
      clientSecret: 'cs_not_this_one',
      statusUrl: `${shop()}/api/payments/${payment.transactionId}`,
      onUpdate: () => errors.push('unexpected update'),
      onError: (error) => errors.push(error.code),
    });
    await expect(subscription.subscribed).rejects.toMatchObject({ code: 'subscription_refused' });
    expect(errors).toEqual(['realtime_unavailable', 'subscription_refused']);
  });
});

describe("the demo's data folder", () => {
  it('then `npm run demo` keeps its own, apart from `npm start`, whatever DATABASE_URL says', () => {
    const demo = loadDemoConfig({ DATABASE_URL: 'file:./data/mpesa-bridge.db' });
    const start = loadConfig({});
    expect(demo.dataDir).toBe(DEFAULT_DEMO_DATA_DIR);
    expect(demo.databaseUrl).toBe(`file:${path.join('data', 'demo')}/mpesa-bridge.db`);
    expect(start.databaseUrl).toBe('file:./data/mpesa-bridge.db');
    expect(
      loadDemoConfig({ DEMO_DATA_DIR: '/tmp/shop', DEMO_DATABASE_URL: 'file:/tmp/shop/x.db' }),
    ).toMatchObject({ dataDir: '/tmp/shop', databaseUrl: 'file:/tmp/shop/x.db' });
  });
});

describe("the demo project's keys", () => {
  it('then they are created once, kept 0600, reused, and replaced when they stop working', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-keys-'));
    const first = await demoProjectKeys(server.url, server.adminToken, dataDir);
    const file = path.join(dataDir, 'demo-project.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(await demoProjectKeys(server.url, server.adminToken, dataDir)).toEqual(first);

    const rotated = await fetch(`${server.url}/api/v1/projects/${first.projectId}/keys/rotate`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${server.adminToken}` },
    });
    expect(rotated.status).toBe(200);
    const replaced = await demoProjectKeys(server.url, server.adminToken, dataDir);
    expect(replaced.projectId).not.toBe(first.projectId);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(replaced);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});
