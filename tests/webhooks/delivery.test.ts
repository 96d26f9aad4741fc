// Webhooks end to end: a real service, real payments settled by the simulator's callbacks,
// deliveries over real HTTP to a receiver on a loopback port, checked with the independent
// `standardwebhooks` verifier.
import { Webhook } from 'standardwebhooks';
import { startTestServer, type TestServer } from '../helpers/server';
import { initiateBody, merchantFor, type MerchantRequest } from '../helpers/merchant';
import { connectSubscriber, eventually } from '../helpers/realtime';
import { webhookReceivers } from '../helpers/webhook-receiver';
import { storedTransaction } from '../helpers/rows';

let server: TestServer;
const receivers = webhookReceivers();
const receiver = receivers.start;

beforeAll(async () => {
  server = await startTestServer({
    WEBHOOK_RETRY_SCHEDULE: '100ms,100ms,100ms,100ms',
    // Svix's overload penalty (60 s) made short: a 429 below waits for it, not for the schedule.
    WEBHOOK_OVERLOAD_PENALTY: '1s',
    WEBHOOK_POLL_INTERVAL_MS: '50',
  });
});
afterAll(async () => {
  await receivers.closeAll();
  await server.close();
});

async function register(merchant: MerchantRequest, url: string, extra: Record<string, unknown> = {}) {
  const response = await merchant({
    method: 'POST',
    path: '/api/v1/webhook-endpoints',
    body: { url, ...extra },
  });
  expect(response.status).toBe(201);
  return response.data as {
    endpoint: { id: string; eventTypes: string[]; enabled: boolean };
    secret: string;
  };
}

async function pay(merchant: MerchantRequest, phone = '0712345678') {
  const response = await merchant({
    method: 'POST',
    path: '/api/v1/transactions/initiate',
    body: initiateBody({ phone }),
  });
  expect(response.status).toBe(201);
  return response.data as { transaction: { id: string }; clientSecret: string };
}

const bodyOf = (webhook: { body: string }) =>
  JSON.parse(webhook.body) as {
    id: string;
    type: string;
    data: { transaction: { id: string; status: string } };
  };

describe('when the merchant endpoint is down for the first attempts', () => {
  it('then the event arrives exactly once after it recovers, signed so that a Standard Webhooks verifier accepts it', async () => {
    const merchant = await merchantFor(server);
    const hooks = await receiver((n) => (n <= 3 ? 503 : 200));
    const { secret, endpoint } = await register(merchant, hooks.url);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);

    const { transaction } = await pay(merchant);
    const accepted = await hooks.waitForAccepted(1);
    expect(accepted.size).toBe(1);
    // Four requests in all, one event id: the same event retried, not four events.
    expect(hooks.received).toHaveLength(4);
    expect(new Set(hooks.received.map((webhook) => webhook.headers['webhook-id'])).size).toBe(1);
    expect(new Set(hooks.received.map((webhook) => webhook.body)).size).toBe(1);

    const [delivered] = [...accepted.values()];
    const verified = new Webhook(secret).verify(delivered!.body, delivered!.headers) as ReturnType<
      typeof bodyOf
    >;
    expect(verified).toMatchObject({
      type: 'transaction.completed',
      data: { transaction: { id: transaction.id, status: 'completed' } },
    });
    expect(verified.id).toBe(delivered!.headers['webhook-id']);
    // A tampered body or another secret fails verification.
    expect(() =>
      new Webhook(secret).verify(delivered!.body.replace('completed', 'failed'), delivered!.headers),
    ).toThrow();
    expect(() =>
      new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`).verify(
        delivered!.body,
        delivered!.headers,
      ),
    ).toThrow();

    // Every attempt is on record, in order.
    const eventPage = await merchant({
      method: 'GET',
      path: `/api/v1/events?transactionId=${transaction.id}`,
    });
    expect(eventPage.data.data).toHaveLength(1);
    const detail = await eventually(
      () => merchant({ method: 'GET', path: `/api/v1/events/${eventPage.data.data[0].id}` }),
      (response) => response.data.deliveries[0]?.status === 'succeeded',
    );
    const [delivery] = detail.data.deliveries;
    expect(delivery).toMatchObject({
      endpointId: endpoint.id,
      status: 'succeeded',
      attempts: 4,
      lastStatusCode: 200,
    });
    expect(delivery.attemptLog.map((attempt: { statusCode: number }) => attempt.statusCode)).toEqual([
      503, 503, 503, 200,
    ]);
    expect(delivery.attemptLog[0].responseBody).toBe('receiver says no');
    expect(delivery.attemptLog.every((attempt: { latencyMs: number }) => attempt.latencyMs >= 0)).toBe(true);
  });
});

describe('when the receiver answers Retry-After', () => {
  // A 429 is overload: the delay is the penalty (1 s here, ±20%), and Retry-After is honoured
  // between that delay and twice it (webhook.schedule.ts).
  it('then a 429 with Retry-After waits at least that long, though the schedule says 100 ms', async () => {
    const merchant = await merchantFor(server);
    const hooks = await receiver((n) => (n === 1 ? { status: 429, headers: { 'Retry-After': '1' } } : 200));
    await register(merchant, hooks.url);
    await pay(merchant);
    await hooks.waitForAccepted(1);
    expect(hooks.received).toHaveLength(2);
    expect(hooks.received[1]!.at - hooks.received[0]!.at).toBeGreaterThanOrEqual(1000);
  });
});

describe('when every attempt fails', () => {
  it('then the delivery is marked failed and kept, and "redeliver failed since" sends it again with the same id', async () => {
    const merchant = await merchantFor(server);
    let healthy = false;
    const hooks = await receiver(() => (healthy ? 200 : 500));
    const { endpoint } = await register(merchant, hooks.url);
    const since = new Date(Date.now() - 1000).toISOString();
    await pay(merchant);

    const failed = await eventually(
      () =>
        merchant({
          method: 'GET',
          path: `/api/v1/webhook-endpoints/${endpoint.id}/deliveries?status=failed`,
        }),
      (response) => response.data.data.length === 1,
    );
    // 1 first attempt + 4 retries from the schedule.
    expect(failed.data.data[0]).toMatchObject({
      status: 'failed',
      attempts: 5,
      lastStatusCode: 500,
      nextAttemptAt: null,
    });
    expect(hooks.received).toHaveLength(5);

    healthy = true;
    const replay = await merchant({
      method: 'POST',
      path: `/api/v1/webhook-endpoints/${endpoint.id}/redeliver-failed`,
      body: { since },
    });
    expect(replay.status).toBe(202);
    expect(replay.data).toEqual({ redelivered: 1 });
    await hooks.waitForAccepted(1);
    expect(hooks.received[5]!.headers['webhook-id']).toBe(hooks.received[0]!.headers['webhook-id']);
  });
});

describe('when the receiver answers 410 Gone', () => {
  it('then the endpoint is disabled at once and the project gets webhook_endpoint.disabled on its other endpoints and in its event log', async () => {
    const merchant = await merchantFor(server);
    const gone = await receiver(() => 410);
    const watcher = await receiver();
    const { endpoint } = await register(merchant, gone.url);
    await register(merchant, watcher.url, { eventTypes: ['webhook_endpoint.disabled'] });
    await pay(merchant);

    const notices = await watcher.waitForAccepted(1);
    expect(gone.received).toHaveLength(1);
    const notice = JSON.parse([...notices.values()][0]!.body);
    expect(notice).toMatchObject({
      type: 'webhook_endpoint.disabled',
      data: { endpoint: { id: endpoint.id, disabledReason: 'gone' } },
    });
    const after = await merchant({ method: 'GET', path: `/api/v1/webhook-endpoints/${endpoint.id}` });
    expect(after.data.endpoint).toMatchObject({ enabled: false, disabledReason: 'gone' });
    const log = await merchant({ method: 'GET', path: '/api/v1/events?type=webhook_endpoint.disabled' });
    expect(log.data.data).toHaveLength(1);
    // Only the payment event went to the watcher? No: it subscribed to disabled events only.
    expect(
      [...watcher.accepted().values()].every(
        (webhook) => bodyOf(webhook).type === 'webhook_endpoint.disabled',
      ),
    ).toBe(true);
  });
});

describe('when an endpoint keeps failing for longer than WEBHOOK_DISABLE_AFTER', () => {
  it('then it is disabled as failing, and re-enabling it sends what was kept pending', async () => {
    const local = await startTestServer({
      WEBHOOK_RETRY_SCHEDULE: '150ms,150ms,150ms,150ms,150ms,150ms',
      WEBHOOK_POLL_INTERVAL_MS: '50',
      WEBHOOK_DISABLE_AFTER: '250ms',
    });
    try {
      const merchant = await merchantFor(local);
      let healthy = false;
      const hooks = await receiver(() => (healthy ? 200 : 503));
      const { endpoint } = await register(merchant, hooks.url);
      await pay(merchant);
      const disabled = await eventually(
        () => merchant({ method: 'GET', path: `/api/v1/webhook-endpoints/${endpoint.id}` }),
        (response) => response.data.endpoint.enabled === false,
      );
      expect(disabled.data.endpoint).toMatchObject({ enabled: false, disabledReason: 'failing' });
      const attemptsWhenDisabled = hooks.received.length;
      expect(attemptsWhenDisabled).toBeGreaterThanOrEqual(2);

      // While disabled nothing is sent; the delivery is kept pending.
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(hooks.received).toHaveLength(attemptsWhenDisabled);
      healthy = true;
      const enabled = await merchant({
        method: 'PATCH',
        path: `/api/v1/webhook-endpoints/${endpoint.id}`,
        body: { enabled: true },
      });
      expect(enabled.data.endpoint).toMatchObject({
        enabled: true,
        disabledReason: null,
        failingSince: null,
      });
      await hooks.waitForAccepted(1);
    } finally {
      await local.close();
    }
  });
});

describe('when the signing secret is rotated', () => {
  it('then deliveries carry both signatures during the overlap, so receivers holding either secret verify them', async () => {
    const merchant = await merchantFor(server);
    const hooks = await receiver();
    const { endpoint, secret: oldSecret } = await register(merchant, hooks.url);
    const rotated = await merchant({
      method: 'POST',
      path: `/api/v1/webhook-endpoints/${endpoint.id}/secret/rotate`,
      body: { overlapSeconds: 3600 },
    });
    expect(rotated.status).toBe(200);
    const newSecret = rotated.data.secret as string;
    expect(newSecret).not.toBe(oldSecret);
    expect(rotated.data.endpoint.previousSecretExpiresAt).not.toBeNull();

    await pay(merchant);
    const [delivered] = [...(await hooks.waitForAccepted(1)).values()];
    expect(delivered!.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(() => new Webhook(oldSecret).verify(delivered!.body, delivered!.headers)).not.toThrow();
    expect(() => new Webhook(newSecret).verify(delivered!.body, delivered!.headers)).not.toThrow();

    // Without overlap the old secret stops at once.
    const again = await merchant({
      method: 'POST',
      path: `/api/v1/webhook-endpoints/${endpoint.id}/secret/rotate`,
      body: { overlapSeconds: 0 },
    });
    await pay(merchant);
    const second = await hooks.waitForAccepted(2);
    const latest = [...second.values()][1]!;
    expect(latest.headers['webhook-signature']!.split(' ')).toHaveLength(1);
    expect(() => new Webhook(again.data.secret).verify(latest.body, latest.headers)).not.toThrow();
    expect(() => new Webhook(newSecret).verify(latest.body, latest.headers)).toThrow();
  });
});

describe('when endpoints choose event types', () => {
  it('then each gets only the types it asked for, and every final state has its own type', async () => {
    const merchant = await merchantFor(server);
    const failures = await receiver();
    const everything = await receiver();
    await register(merchant, failures.url, { eventTypes: ['transaction.failed', 'transaction.cancelled'] });
    await register(merchant, everything.url);

    await pay(merchant, '0712345678'); // completed
    await pay(merchant, '0700000001'); // cancelled (1032)
    await pay(merchant, '0700000002'); // failed (insufficient funds)

    const all = await everything.waitForAccepted(3);
    expect([...all.values()].map((webhook) => bodyOf(webhook).type).sort()).toEqual([
      'transaction.cancelled',
      'transaction.completed',
      'transaction.failed',
    ]);
    const some = await failures.waitForAccepted(2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect([...some.values()].map((webhook) => bodyOf(webhook).type).sort()).toEqual([
      'transaction.cancelled',
      'transaction.failed',
    ]);
    expect(failures.received).toHaveLength(2);
  });
});

describe('when the browser watches the payment and the server gets the webhook', () => {
  it('then both report the same committed state change', async () => {
    const merchant = await merchantFor(server);
    const hooks = await receiver();
    await register(merchant, hooks.url);
    const subscriber = await connectSubscriber(server.url);
    try {
      const { transaction, clientSecret } = await pay(merchant);
      await subscriber.subscribe(transaction.id, clientSecret);
      const live = await subscriber.waitForStatus('completed');
      const [delivered] = [...(await hooks.waitForAccepted(1)).values()];
      const webhook = bodyOf(delivered!);
      expect(webhook.data.transaction).toMatchObject({
        id: transaction.id,
        status: live.status,
        settledAt: live.settledAt,
        updatedAt: live.updatedAt,
      });
      // And the database agrees with both.
      const stored = await storedTransaction(server.database(), transaction.id);
      expect(stored?.status).toBe('completed');
    } finally {
      subscriber.close();
    }
  });
});

describe('replaying one event', () => {
  it('then it is sent again with the same webhook-id, also to an endpoint registered after it happened', async () => {
    const merchant = await merchantFor(server);
    const first = await receiver();
    await register(merchant, first.url);
    const { transaction } = await pay(merchant);
    const [original] = [...(await first.waitForAccepted(1)).values()];

    const late = await receiver();
    const { endpoint } = await register(merchant, late.url);
    const events = await merchant({ method: 'GET', path: `/api/v1/events?transactionId=${transaction.id}` });
    const eventId = events.data.data[0].id as string;
    const replay = await merchant({
      method: 'POST',
      path: `/api/v1/events/${eventId}/redeliver`,
      body: { endpointId: endpoint.id },
    });
    expect(replay.status).toBe(202);
    const [replayed] = [...(await late.waitForAccepted(1)).values()];
    expect(replayed!.headers['webhook-id']).toBe(original!.headers['webhook-id']);
    expect(replayed!.body).toBe(original!.body);
  });
});
