// The SDK's webhook endpoints resource against the real service: deliveries to a receiver on a
// loopback port, checked with the SDK's own verifyWebhook and the secret the SDK was given.
import {
  createClient,
  verifyWebhook,
  WebhookVerificationError,
  type MpesaBridgeClient,
  type WebhookEvent,
} from '@mpesa-bridge/sdk';
import { eventually } from '../helpers/realtime';
import { startTestServer, type TestServer } from '../helpers/server';
import { webhookReceivers, type ReceivedWebhook } from '../helpers/webhook-receiver';
import { merchantClient } from '../helpers/merchant';
import { order, rejection, sdkClientFor } from './sdk-client';

let server: TestServer;
const receivers = webhookReceivers();
const receiver = receivers.start;

beforeAll(async () => {
  // Three attempts 100 ms apart, then a delivery has failed for good.
  server = await startTestServer({ WEBHOOK_RETRY_SCHEDULE: '100ms,100ms', WEBHOOK_POLL_INTERVAL_MS: '50' });
});
afterAll(async () => {
  await receivers.closeAll();
  await server.close();
});

async function completedPayment(client: MpesaBridgeClient, phone = '0712345678') {
  const { transaction } = await client.transactions.initiate(order({ phone }));
  return client.waitForResult(transaction.id, { timeoutMs: 10_000 });
}

const verifyWith = (secret: string) => (webhook: ReceivedWebhook) =>
  verifyWebhook(webhook.headers, webhook.body, secret);

/** The code verifyWebhook refuses this delivery with (it must refuse it). */
function refusal(webhook: ReceivedWebhook, secret: string): string {
  try {
    verifyWith(secret)(webhook);
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookVerificationError);
    return (error as WebhookVerificationError).code;
  }
  throw new Error('expected verifyWebhook to refuse the delivery');
}

describe('when an endpoint is registered and a payment completes', () => {
  it('then the delivery verifies with the secret from create and carries the transaction as transactions.get returns it', async () => {
    const { client } = await sdkClientFor(server);
    const hooks = await receiver();
    const { endpoint, secret } = await client.webhookEndpoints.create({
      url: hooks.url,
      description: 'orders',
      eventTypes: ['transaction.completed'],
    });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(endpoint).toEqual({
      id: expect.stringMatching(/^we_/),
      url: hooks.url,
      description: 'orders',
      eventTypes: ['transaction.completed'],
      enabled: true,
      disabledReason: null,
      failingSince: null,
      health: 'healthy',
      retrying: 0,
      nextRetryAt: null,
      previousSecretExpiresAt: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });

    const paid = await completedPayment(client);
    const [delivered] = [...(await hooks.waitForAccepted(1)).values()];
    const event: WebhookEvent = verifyWith(secret)(delivered!);
    expect(Object.keys(event).sort()).toEqual(['data', 'id', 'timestamp', 'type']);
    expect(event.id).toBe(delivered!.headers['webhook-id']);
    if (event.type !== 'transaction.completed')
      throw new Error(`expected transaction.completed, got ${event.type}`);
    // Typed: data.transaction is a Transaction, the same view as a GET.
    expect(event.data.transaction).toEqual(await client.transactions.get(paid.id));
    expect(event.data.transaction.mpesaReceiptNumber).toEqual(expect.any(String));

    const { secret: otherSecret } = await client.webhookEndpoints.create({ url: hooks.url, enabled: false });
    expect(refusal(delivered!, otherSecret)).toBe('webhook_signature_invalid');
    expect(refusal({ ...delivered!, body: delivered!.body.replace('"completed"', '"failed"') }, secret)).toBe(
      'webhook_signature_invalid',
    );
  });
});

describe('when endpoints are listed, changed and deleted', () => {
  it('then list, get, update and delete answer with the endpoint views, and a deleted endpoint is gone', async () => {
    const { client } = await sdkClientFor(server);
    const hooks = await receiver();
    const first = (await client.webhookEndpoints.create({ url: hooks.url })).endpoint;
    const second = (
      await client.webhookEndpoints.create({
        url: `${hooks.url}?second`,
        eventTypes: ['transaction.failed', 'transaction.cancelled'],
      })
    ).endpoint;
    expect(first.eventTypes).toEqual(['*']);

    expect((await client.webhookEndpoints.list()).map((endpoint) => endpoint.id)).toEqual([
      second.id,
      first.id,
    ]);
    expect(await client.webhookEndpoints.get(second.id)).toEqual(second);

    const disabled = await client.webhookEndpoints.update(first.id, {
      enabled: false,
      description: 'paused',
    });
    expect(disabled).toMatchObject({
      id: first.id,
      enabled: false,
      disabledReason: 'manual',
      description: 'paused',
    });
    const enabled = await client.webhookEndpoints.update(first.id, {
      enabled: true,
      description: null,
      eventTypes: ['webhook_endpoint.disabled'],
    });
    expect(enabled).toMatchObject({
      enabled: true,
      disabledReason: null,
      description: null,
      eventTypes: ['webhook_endpoint.disabled'],
    });
    expect(await client.webhookEndpoints.get(first.id)).toEqual(enabled);

    await expect(client.webhookEndpoints.delete(first.id)).resolves.toBeUndefined();
    expect(await rejection(client.webhookEndpoints.get(first.id))).toMatchObject({
      code: 'webhook_endpoint_not_found',
      status: 404,
    });
    expect(await rejection(client.webhookEndpoints.delete(first.id))).toMatchObject({
      code: 'webhook_endpoint_not_found',
      status: 404,
    });
    expect((await client.webhookEndpoints.list()).map((endpoint) => endpoint.id)).toEqual([second.id]);
  });

  it('then bad input is a typed validation_failed error, and another project cannot see the endpoint', async () => {
    const { client } = await sdkClientFor(server);
    const { client: stranger } = await sdkClientFor(server);
    const hooks = await receiver();
    const unknownType = { url: hooks.url, eventTypes: ['transaction.refunded'] } as unknown as Parameters<
      MpesaBridgeClient['webhookEndpoints']['create']
    >[0];
    const invalid = await rejection(client.webhookEndpoints.create(unknownType));
    expect(invalid).toMatchObject({ code: 'validation_failed', status: 400 });
    expect(JSON.stringify(invalid.details)).toContain('eventTypes');
    expect(await rejection(client.webhookEndpoints.update('we_x', {}))).toMatchObject({
      code: 'validation_failed',
    });
    expect(await rejection(client.webhookEndpoints.rotateSecret('not-an-endpoint-id'))).toMatchObject({
      code: 'validation_failed',
    });

    const { endpoint } = await client.webhookEndpoints.create({ url: hooks.url });
    expect(await rejection(stranger.webhookEndpoints.get(endpoint.id))).toMatchObject({
      code: 'webhook_endpoint_not_found',
    });
    expect(await rejection(stranger.webhookEndpoints.update(endpoint.id, { enabled: false }))).toMatchObject({
      code: 'webhook_endpoint_not_found',
    });
    expect(await stranger.webhookEndpoints.list()).toEqual([]);
  });
});

describe('when the secret is rotated', () => {
  it('then deliveries verify with both secrets during the overlap, and only with the newest once it ends', async () => {
    const { client } = await sdkClientFor(server);
    const hooks = await receiver();
    const { endpoint, secret: original } = await client.webhookEndpoints.create({ url: hooks.url });
    const before = Date.now();
    const overlapping = await client.webhookEndpoints.rotateSecret(endpoint.id, { overlapSeconds: 60 });
    expect(overlapping.secret).not.toBe(original);
    const expires = Date.parse(overlapping.endpoint.previousSecretExpiresAt!);
    expect(expires).toBeGreaterThanOrEqual(before + 59_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 61_000);

    await completedPayment(client);
    const [first] = [...(await hooks.waitForAccepted(1)).values()];
    expect(first!.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(verifyWith(overlapping.secret)(first!).id).toBe(first!.headers['webhook-id']);
    expect(verifyWith(original)(first!).id).toBe(first!.headers['webhook-id']);

    // No overlap: the secret before this rotation stops signing at once.
    const newest = await client.webhookEndpoints.rotateSecret(endpoint.id, { overlapSeconds: 0 });
    expect(newest.endpoint.previousSecretExpiresAt).toBeNull();
    await client.events.redeliver(first!.headers['webhook-id']!, { endpointId: endpoint.id });
    const received = await eventually(
      async () => hooks.received,
      (list) => list.length >= 2,
    );
    const again = received[1]!;
    expect(again.headers['webhook-id']).toBe(first!.headers['webhook-id']);
    expect(again.body).toBe(first!.body);
    expect(again.headers['webhook-signature']!.split(' ')).toHaveLength(1);
    expect(verifyWith(newest.secret)(again).id).toBe(first!.headers['webhook-id']);
    expect(refusal(again, overlapping.secret)).toBe('webhook_signature_invalid');
    expect(refusal(again, original)).toBe('webhook_signature_invalid');
  });
});

describe('when deliveries to an endpoint fail for good', () => {
  it('then deliveries() pages through them, and redeliverFailed sends them again once the endpoint is back', async () => {
    const { client } = await sdkClientFor(server);
    let down = true;
    const hooks = await receiver(() => (down ? 500 : 200));
    const { endpoint, secret } = await client.webhookEndpoints.create({ url: hooks.url });
    const since = new Date(Date.now() - 1000);
    const payments = [await completedPayment(client), await completedPayment(client)];

    const failed = await eventually(
      () => client.webhookEndpoints.deliveries(endpoint.id, { status: 'failed' }).all(),
      (list) => list.length === 2,
      10_000,
    );
    expect(failed).toHaveLength(2);
    for (const delivery of failed) {
      expect(delivery).toEqual({
        id: expect.stringMatching(/^whd_/),
        eventId: expect.stringMatching(/^evt_/),
        endpointId: endpoint.id,
        status: 'failed',
        attempts: 3,
        nextAttemptAt: null,
        lastStatusCode: 500,
        lastError: null,
        createdAt: expect.any(String),
        completedAt: expect.any(String),
      });
    }
    expect(hooks.received).toHaveLength(6);

    // One delivery a page: `await` gives the first page, `for await` every delivery, newest first.
    const firstPage = await client.webhookEndpoints.deliveries(endpoint.id, { limit: 1 });
    expect(firstPage.data).toHaveLength(1);
    expect(firstPage.nextCursor).toBe(firstPage.data[0]!.id);
    const walked: string[] = [];
    for await (const delivery of client.webhookEndpoints.deliveries(endpoint.id, { limit: 1 }))
      walked.push(delivery.id);
    expect(walked).toEqual(failed.map((delivery) => delivery.id));
    expect([...walked].sort().reverse()).toEqual(walked);

    expect(
      await client.webhookEndpoints.redeliverFailed(endpoint.id, { since: new Date(Date.now() + 60_000) }),
    ).toEqual({ redelivered: 0 });
    down = false;
    expect(await client.webhookEndpoints.redeliverFailed(endpoint.id, { since })).toEqual({ redelivered: 2 });
    const accepted = await hooks.waitForAccepted(2);
    const delivered = [...accepted.values()].map(verifyWith(secret));
    expect(
      delivered.map((event) => event.type === 'transaction.completed' && event.data.transaction.id).sort(),
    ).toEqual(payments.map((t) => t.id).sort());
    const after = await eventually(
      () => client.webhookEndpoints.deliveries(endpoint.id).all(),
      (list) => list.every((delivery) => delivery.status === 'succeeded'),
    );
    expect(after.map((delivery) => [delivery.status, delivery.attempts, delivery.lastStatusCode])).toEqual([
      ['succeeded', 1, 200],
      ['succeeded', 1, 200],
    ]);
  });
});

describe('when an endpoint answers 410 Gone', () => {
  it("then the project's other endpoint gets webhook_endpoint.disabled, typed with the endpoint's id, url and reason", async () => {
    const { client } = await sdkClientFor(server);
    const gone = await receiver(() => 410);
    const watcher = await receiver();
    const { endpoint } = await client.webhookEndpoints.create({
      url: gone.url,
      eventTypes: ['transaction.completed'],
    });
    const { secret } = await client.webhookEndpoints.create({
      url: watcher.url,
      eventTypes: ['webhook_endpoint.disabled'],
    });

    await completedPayment(client);
    const [notice] = [...(await watcher.waitForAccepted(1)).values()];
    const event = verifyWith(secret)(notice!);
    if (event.type !== 'webhook_endpoint.disabled')
      throw new Error(`expected webhook_endpoint.disabled, got ${event.type}`);
    expect(event.data).toEqual({ endpoint: { id: endpoint.id, url: gone.url, disabledReason: 'gone' } });
    expect(await client.webhookEndpoints.get(endpoint.id)).toMatchObject({
      enabled: false,
      disabledReason: 'gone',
    });

    const logged = await client.events.list({ type: 'webhook_endpoint.disabled' }).all();
    expect(logged).toEqual([
      {
        id: event.id,
        type: 'webhook_endpoint.disabled',
        transactionId: null,
        createdAt: event.timestamp,
        data: event.data,
      },
    ]);
  });
});

describe('when the answer to a call is lost on the way back', () => {
  /** A transport that delivers every request but loses the answer to the first one of `method`. */
  function losingFirstAnswer(method: string) {
    const sent: string[] = [];
    let lost = false;
    const transport = async (url: string, init: RequestInit) => {
      sent.push(`${init.method} ${new URL(url).pathname}`);
      const response = await fetch(url, init);
      if (init.method === method && !lost) {
        lost = true;
        await response.arrayBuffer();
        throw new TypeError('fetch failed', { cause: new Error('socket hang up') });
      }
      return response;
    };
    return { sent, transport };
  }

  it('then a rotation is not sent twice (a second one would retire the secret the first returned), while an update is', async () => {
    const { client, keys } = await sdkClientFor(server);
    const { endpoint } = await client.webhookEndpoints.create({ url: (await receiver()).url });

    const rotation = losingFirstAnswer('POST');
    const rotating = createClient({ baseUrl: server.url, ...keys, fetch: rotation.transport, maxRetries: 2 });
    expect(
      await rejection(rotating.webhookEndpoints.rotateSecret(endpoint.id, { overlapSeconds: 60 })),
    ).toMatchObject({ code: 'network_error' });
    expect(rotation.sent).toEqual([`POST /api/v1/webhook-endpoints/${endpoint.id}/secret/rotate`]);
    // It did happen, once: the secret from create still signs during the overlap.
    expect((await client.webhookEndpoints.get(endpoint.id)).previousSecretExpiresAt).toEqual(
      expect.any(String),
    );

    const change = losingFirstAnswer('PATCH');
    const updating = createClient({ baseUrl: server.url, ...keys, fetch: change.transport, maxRetries: 2 });
    expect(await updating.webhookEndpoints.update(endpoint.id, { description: 'retried' })).toMatchObject({
      description: 'retried',
    });
    expect(change.sent).toEqual([
      `PATCH /api/v1/webhook-endpoints/${endpoint.id}`,
      `PATCH /api/v1/webhook-endpoints/${endpoint.id}`,
    ]);
  });
});

describe('when a copy of a create raced ahead of it (a proxy sent it twice)', () => {
  it('then the SDK signs it again with the same Idempotency-Key and gets the endpoint the copy made, not a second one', async () => {
    const hooks = await receiver();
    let copied = false;
    const copies: Response[] = [];
    // Sends every create's exact bytes once before the call itself, as a retrying proxy would.
    const copyingFetch = async (url: string, init: RequestInit) => {
      if (init.method === 'POST' && !copied) {
        copied = true;
        copies.push(await fetch(url, init));
      }
      return fetch(url, init);
    };
    const { client } = await sdkClientFor(server, { fetch: copyingFetch });
    const created = await client.webhookEndpoints.create({ url: hooks.url });
    const copy = (await copies[0]!.json()) as { endpoint: { id: string }; secret: string };
    expect(created.endpoint.id).toBe(copy.endpoint.id);
    expect(created.secret).toBe(copy.secret);
    const listed = await client.webhookEndpoints.list();
    expect(listed.map((endpoint) => endpoint.id)).toEqual([copy.endpoint.id]);
  });

  it('then the service answers a create’s Idempotency-Key with its first endpoint, and refuses it with another body', async () => {
    const hooks = await receiver();
    const { keys } = await sdkClientFor(server);
    const merchant = merchantClient(server.url, keys);
    const create = (body: Record<string, unknown>) =>
      merchant({
        method: 'POST',
        path: '/api/v1/webhook-endpoints',
        body,
        headers: { 'Idempotency-Key': 'endpoint-create-1' },
      });
    const first = await create({ url: hooks.url });
    const again = await create({ url: hooks.url });
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.data).toEqual(first.data);
    const other = await create({ url: hooks.url, description: 'another' });
    expect([other.status, other.data.error.code]).toEqual([409, 'idempotency_key_reused']);
  });

  it('then a write with an Idempotency-Key (an initiate) is signed again and answered from the first', async () => {
    let copied = false;
    const copyingFetch = async (url: string, init: RequestInit) => {
      if (init.method === 'POST' && !copied) {
        copied = true;
        await fetch(url, init);
      }
      return fetch(url, init);
    };
    const { client } = await sdkClientFor(server, { fetch: copyingFetch });
    const { transaction } = await client.transactions.initiate(order());
    const listed = await client.transactions.list().all();
    expect(listed.map((row) => row.id)).toEqual([transaction.id]);
  });
});
