// `listen` and `tail` against a real server, through the real binary: listen forwards the
// project's events to a local receiver signed as webhooks (the standardwebhooks library
// verifies them, and refuses one altered on the way); tail shows payments, events and
// callbacks, a callback refused for its source address included.
import net, { type AddressInfo } from 'node:net';
import axios from 'axios';
import { Webhook } from 'standardwebhooks';
import { startTestServer, type TestServer } from '../helpers/server';
import { keysOf } from '../helpers/accounts';
import { adminHeaders } from '../helpers/http-edges';
import { initiateBody, merchantClient, type MerchantRequest, type ProjectKeys } from '../helpers/merchant';
import { postCallback, successCallback } from '../helpers/callbacks';
import { webhookReceivers } from '../helpers/webhook-receiver';
import { eventually } from '../helpers/realtime';
import { freshHome, loggedInHome, parseJson, startCli, type CliHome, type RunningCli } from './cli-runner';

let server: TestServer;
let merchant: MerchantRequest;
let home: CliHome;
let keys: ProjectKeys;
const receivers = webhookReceivers();
const running: RunningCli[] = [];

beforeAll(async () => {
  // TRUST_PROXY=1: the test can post a callback as a foreign address with X-Forwarded-For.
  server = await startTestServer({ TRUST_PROXY: '1', SIMULATOR_CALLBACK_DELAY_MS: '200' });
  const created = await axios.post(
    `${server.url}/api/v1/projects`,
    { name: 'Stream shop' },
    { headers: adminHeaders(server) },
  );
  keys = keysOf(created.data, 'test');
  merchant = merchantClient(server.url, keys);
  home = await loggedInHome(server.url, keys);
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((cli) => cli.stop()));
});
afterAll(async () => {
  await receivers.closeAll();
  await server.close();
});

function cli(args: string[], env = home.env()): RunningCli {
  const started = startCli(args, { env });
  running.push(started);
  return started;
}

async function pay(phone = '0712345678') {
  const response = await merchant({
    method: 'POST',
    path: '/api/v1/transactions/initiate',
    body: initiateBody({ phone }),
  });
  expect(response.status).toBe(201);
  return response.data.transaction as { id: string; checkoutRequestId: string };
}

describe('when a developer runs listen --forward-to a local receiver and a customer pays', () => {
  it('then the receiver gets the event signed with the printed secret, the library verifies it, and a tampered copy fails', async () => {
    const receiver = await receivers.start(() => 200);
    const listen = cli(['listen', '--forward-to', receiver.url]);
    const [, secret] = (await listen.waitFor(/signing secret for this session: (whsec_\S+)/)) as unknown as [
      string,
      string,
    ];

    const payment = await pay();
    const [delivered] = [...(await receiver.waitForAccepted(1)).values()];
    const headers = {
      'webhook-id': delivered!.headers['webhook-id']!,
      'webhook-timestamp': delivered!.headers['webhook-timestamp']!,
      'webhook-signature': delivered!.headers['webhook-signature']!,
    };
    const event = new Webhook(secret).verify(delivered!.body, headers) as {
      id: string;
      type: string;
      data: { transaction: { id: string; status: string } };
    };
    expect(event).toMatchObject({
      id: headers['webhook-id'],
      type: 'transaction.completed',
      data: { transaction: { id: payment.id, status: 'completed' } },
    });
    // The exact body the service's own deliveries carry for this event.
    const kept = await merchant({ method: 'GET', path: `/api/v1/events/${event.id}` });
    expect(JSON.parse(delivered!.body)).toEqual({
      id: event.id,
      type: 'transaction.completed',
      timestamp: kept.data.event.createdAt,
      data: kept.data.event.data,
    });

    expect(() =>
      new Webhook(secret).verify(delivered!.body.replace('"completed"', '"failed"'), headers),
    ).toThrow();
    expect(() =>
      new Webhook(`whsec_${Buffer.from('another secret of 32 bytes......').toString('base64')}`).verify(
        delivered!.body,
        headers,
      ),
    ).toThrow();

    await listen.waitFor(new RegExp(`transaction\\.completed\\s+${payment.id}\\s+→ 200 \\d+ ms`));
    // The secret is printed once, and the API's own secret key never.
    expect(listen.stdout().split('whsec_').length).toBe(2);
  });

  it('then --events leaves other types out, and --json prints one object per line with the local answer', async () => {
    const receiver = await receivers.start((n) => (n === 1 ? 503 : 200));
    const listen = cli([
      'listen',
      '--forward-to',
      receiver.url,
      '--events',
      'transaction.cancelled',
      '--json',
    ]);
    const ready = parseJson((await listen.waitFor(/^\{"type":"ready".*$/m))[0]);
    expect(ready).toMatchObject({
      forwardTo: receiver.url,
      mode: 'test',
      secret: expect.stringMatching(/^whsec_/),
      events: ['transaction.cancelled'],
    });

    const paid = await pay('0712345678');
    const cancelled = await pay('0700000001');
    const line = await listen.waitFor(/^\{"type":"forwarded".*$/m);
    const forwarded = parseJson(line[0]);
    expect(forwarded).toMatchObject({
      via: 'live',
      event: { type: 'transaction.cancelled', transactionId: cancelled.id },
      status: 503,
      latencyMs: expect.any(Number),
    });
    // The paid one's event was recorded too (the service's log has it), and not forwarded.
    const events = await merchant({ method: 'GET', path: `/api/v1/events?transactionId=${paid.id}` });
    expect(events.data.data).toHaveLength(1);
    expect(receiver.received).toHaveLength(1);
  });
});

/** A TCP forwarder to the server that can drop every connection and refuse new ones: a network blip. */
async function cuttableLink(targetPort: number) {
  const open = new Set<net.Socket>();
  let down = false;
  const link = net.createServer((client) => {
    if (down) return void client.destroy();
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.once('close', () => open.delete(socket));
      socket.once('error', () => (client.destroy(), upstream.destroy()));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => link.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(link.address() as AddressInfo).port}`,
    cut() {
      down = true;
      open.forEach((socket) => socket.destroy());
    },
    restore: () => void (down = false),
    close: () =>
      new Promise<void>(
        (resolve) => (open.forEach((socket) => socket.destroy()), link.close(() => resolve())),
      ),
  };
}

describe('when the connection drops while listen runs', () => {
  it('then it reconnects and forwards, from the event log, what happened meanwhile', async () => {
    const link = await cuttableLink(server.service.port);
    try {
      const receiver = await receivers.start(() => 200);
      const listen = cli(
        ['listen', '--forward-to', receiver.url, '--json'],
        freshHome().env({
          MPESA_BRIDGE_URL: link.url,
          MPESA_BRIDGE_PUBLIC_KEY: keys.publicKey,
          MPESA_BRIDGE_SECRET_KEY: keys.secretKey,
        }),
      );
      await listen.waitFor(/"type":"ready"/);
      const before = await pay();
      await listen.waitFor(new RegExp(`"via":"live","event":\\{[^}]*"transactionId":"${before.id}"`));

      link.cut();
      const during = await pay();
      await eventually(
        () => merchant({ method: 'GET', path: `/api/v1/events?transactionId=${during.id}` }),
        (answer) => answer.data.data.length === 1,
        10_000,
      );
      link.restore();

      const caught = await listen.waitFor(
        new RegExp(`^.*"via":"catch-up".*"transactionId":"${during.id}".*$`, 'm'),
        'stdout',
        20_000,
      );
      expect(parseJson(caught[0])).toMatchObject({
        type: 'forwarded',
        event: { type: 'transaction.completed', transactionId: during.id },
        status: 200,
      });
      // The rebuilt body verifies as the live one did, and is the very body the service keeps.
      const delivered = receiver.received.find((webhook) => webhook.body.includes(during.id))!;
      const { secret } = parseJson(listen.stdout().split('\n')[0]!);
      const event = new Webhook(secret).verify(delivered.body, delivered.headers) as { id: string };
      const kept = await merchant({ method: 'GET', path: `/api/v1/events/${event.id}` });
      expect(JSON.parse(delivered.body)).toEqual({
        id: event.id,
        type: 'transaction.completed',
        timestamp: kept.data.event.createdAt,
        data: kept.data.event.data,
      });
      expect(receiver.received.filter((webhook) => webhook.body.includes(before.id))).toHaveLength(1);
    } finally {
      await link.close();
    }
  });
});

describe('when a developer tails the project', () => {
  it('then a callback from an address not on the allowlist shows its source and "refused", and the payment’s own story follows', async () => {
    const tail = cli(['tail']);
    await tail.waitFor(/Following test-mode/, 'stderr');
    const payment = await pay();
    const refused = await postCallback(
      server.url,
      server.callbackPath(payment.id),
      successCallback(payment.checkoutRequestId, 10),
      { 'X-Forwarded-For': '203.0.113.9' },
    );
    expect(refused.status).toBe(403);

    await tail.waitFor(new RegExp(`callback\\s+${payment.id}\\s+from 203\\.0\\.113\\.9\\s+refused`));
    await tail.waitFor(new RegExp(`callback\\s+${payment.id}\\s+from 127\\.0\\.0\\.1\\s+allowed\\s+applied`));
    await tail.waitFor(new RegExp(`event\\s+${payment.id}\\s+transaction\\.completed`));
    expect(tail.stdout()).toMatch(
      new RegExp(`payment\\s+${payment.id}\\s+pending\\s+KES 10\\s+254712\\*\\*\\*678`),
    );
    // The callback body is shown (on the lines after its summary), its phone masked; no colour codes in a pipe.
    await tail.waitFor(/"PhoneNumber","Value":"254712\*\*\*678"/);
    expect(tail.stdout()).not.toMatch(/\u001b\[/);
    expect(tail.stdout()).not.toContain('254712345678');
  });

  it('then a callback naming another CheckoutRequestID shows as allowed but orphan, and the payment stays pending', async () => {
    const tail = cli(['tail', '--type', 'callback']);
    await tail.waitFor(/Following test-mode/, 'stderr');
    const payment = await pay('0700000005'); // the simulator never calls back for this one
    const answered = await postCallback(
      server.url,
      server.callbackPath(payment.id),
      successCallback('ws_CO_NOT_THIS_PAYMENT', 10),
    );
    expect(answered.status).toBe(200);
    await tail.waitFor(new RegExp(`callback\\s+${payment.id}\\s+from 127\\.0\\.0\\.1\\s+allowed\\s+orphan`));
    expect(
      (await merchant({ method: 'GET', path: `/api/v1/transactions/${payment.id}` })).data.transaction.status,
    ).toBe('pending');
  });

  it('then --type callback --transaction shows only that payment’s callbacks, as JSON lines with --json', async () => {
    // Payments the simulator never calls back for: the only callbacks are the ones this test posts
    // (a simulator callback of its own, allowed and applied, could land among them).
    const other = await pay('0700000005');
    const mine = await pay('0700000005');
    const filtered = cli(['tail', '--type', 'callback', '--transaction', mine.id, '--json']);
    await filtered.waitFor(/"kind":"ready"/);
    const refuse = (payment: { id: string; checkoutRequestId: string }) =>
      postCallback(
        server.url,
        server.callbackPath(payment.id),
        successCallback(payment.checkoutRequestId, 10),
        { 'X-Forwarded-For': '198.51.100.7' },
      );
    await refuse(mine);
    await refuse(other);
    // Told in order: once mine's second is heard, other's would have been too.
    await refuse(mine);
    await filtered.waitFor(/(^\{"kind":"callback".*\n){2}/m);
    const records = filtered
      .stdout()
      .trim()
      .split('\n')
      .map((text) => parseJson(text));
    expect(records.map((record) => record.kind)).toEqual(['ready', 'callback', 'callback']);
    for (const record of records.slice(1)) {
      expect(record.callback).toMatchObject({
        transactionId: mine.id,
        sourceIp: '198.51.100.7',
        allowed: false,
        outcome: 'refused',
      });
    }
  });
});
