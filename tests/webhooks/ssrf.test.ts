// SSRF at delivery: every connection is checked, IP literals (which skip the DNS lookup) and
// URLs stored while private ones were allowed included. The receiver listens on every
// interface of this host, so a connection that got through would reach it.
import http from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import { createWebhookSender } from '../../src/webhooks/webhook.http';
import { sameDatabase, startTestServer, type TestServer } from '../helpers/server';
import { createProject, initiateBody, merchantClient } from '../helpers/merchant';
import { postCallback, successCallback } from '../helpers/callbacks';
import { startFakeDaraja } from '../helpers/fake-daraja';
import { eventually } from '../helpers/realtime';

let receiver: http.Server;
let port: number;
let reached = 0;

beforeAll(async () => {
  receiver = http.createServer((_req, res) => {
    reached += 1;
    res.end('ok');
  });
  // '::' is dual-stack: IPv4 and IPv6, loopback and every interface address.
  await new Promise<void>((resolve) => receiver.listen(0, '::', resolve));
  port = (receiver.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

/** This host's own non-loopback addresses (a container's or VM's interface). */
const ownAddresses = () =>
  Object.values(os.networkInterfaces())
    .flatMap((entries) => entries ?? [])
    .filter((entry) => !entry.internal)
    .map((entry) => (entry.family === 'IPv6' ? `[${entry.address.split('%')[0]}]` : entry.address));

describe('when a delivery goes to an internal address in any disguise', () => {
  const forms = () => [
    'http://127.0.0.1:PORT/hooks',
    'http://2130706433:PORT/hooks', // decimal
    'http://0x7f000001:PORT/hooks', // hex
    'http://0177.0.0.1:PORT/hooks', // octal
    'http://[::ffff:127.0.0.1]:PORT/hooks', // IPv4-mapped, dotted
    'http://[::ffff:7f00:1]:PORT/hooks', // IPv4-mapped, hex
    'http://[64:ff9b::7f00:1]:PORT/hooks', // NAT64 of 127.0.0.1
    'http://0.0.0.0:PORT/hooks',
    'http://[::]:PORT/hooks',
    'http://[::1]:PORT/hooks',
    'http://localhost:PORT/hooks',
    'http://100.64.0.1:PORT/hooks', // CGNAT
    'http://224.0.0.1:PORT/hooks', // multicast
    ...ownAddresses().map((address) => `http://${address}:PORT/hooks`),
  ];

  it('then the sender refuses each before connecting, and the receiver is never reached', async () => {
    const sender = createWebhookSender({ timeoutMs: 2000, allowPrivate: false, userAgent: 'test' });
    try {
      expect(ownAddresses().length).toBeGreaterThan(0);
      const results = await Promise.all(
        forms().map(
          async (form) =>
            [form, (await sender.send(form.replace('PORT', String(port)), {}, '{}')).error] as const,
        ),
      );
      expect(results.filter(([, error]) => error !== 'EPRIVATEADDRESS')).toEqual([]);
      expect(reached).toBe(0);
    } finally {
      sender.close();
    }
  });

  it('then, with private URLs allowed (simulator mode), the same receiver is reached: the test can see a connection', async () => {
    const sender = createWebhookSender({ timeoutMs: 2000, allowPrivate: true, userAgent: 'test' });
    try {
      const result = await sender.send(`http://127.0.0.1:${port}/hooks`, {}, '{}');
      expect(result.statusCode).toBe(200);
      expect(reached).toBe(1);
    } finally {
      sender.close();
      reached = 0;
    }
  });
});

describe('when a loopback URL stored in simulator mode is delivered by a sandbox service', () => {
  let first: TestServer | undefined;
  let second: TestServer | undefined;
  let daraja: Awaited<ReturnType<typeof startFakeDaraja>>;
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await daraja?.close();
  });

  it('then the delivery is refused at connect time (EPRIVATEADDRESS) and the receiver never hears of it', async () => {
    first = await startTestServer();
    const keys = await createProject(first.url, first.adminToken);
    const registering = merchantClient(first.url, keys);
    const created = await registering({
      method: 'POST',
      path: '/api/v1/webhook-endpoints',
      body: { url: `http://127.0.0.1:${port}/hooks` },
    });
    expect(created.status).toBe(201);
    const shared = sameDatabase(first);
    await first.close();
    first = undefined;

    daraja = await startFakeDaraja({});
    second = await startTestServer({
      ...shared,
      MPESA_ENVIRONMENT: 'sandbox',
      MPESA_BASE_URL: daraja.url,
      MPESA_CONSUMER_KEY: 'key',
      MPESA_CONSUMER_SECRET: 'secret',
      MPESA_SHORTCODE: '174379',
      MPESA_PASSKEY: 'passkey',
      CALLBACK_BASE_URL: 'https://pay.example.com',
      CALLBACK_ALLOWED_IPS: '127.0.0.1,::1,::ffff:127.0.0.1',
      WEBHOOK_RETRY_SCHEDULE: '1h',
    });
    expect(second.config.webhooks.allowPrivateUrls).toBe(false);
    // The same project (same database and master key), now in sandbox mode.
    const merchant = merchantClient(second.url, keys);
    const initiated = await merchant({
      method: 'POST',
      path: '/api/v1/transactions/initiate',
      body: initiateBody(),
    });
    expect(initiated.status).toBe(201);
    const { id, checkoutRequestId } = initiated.data.transaction;
    await postCallback(second.url, second.callbackPath(id), successCallback(checkoutRequestId, 10));

    const deliveries = await eventually(
      () =>
        merchant({ method: 'GET', path: `/api/v1/webhook-endpoints/${created.data.endpoint.id}/deliveries` }),
      // Attempts count up when a delivery is claimed; the error is there once it was tried.
      (answer) => Boolean(answer.data.data[0]?.lastError),
    );
    expect(deliveries.data.data[0]).toMatchObject({
      attempts: 1,
      lastStatusCode: null,
      lastError: 'EPRIVATEADDRESS',
    });
    expect(reached).toBe(0);
  });
});
