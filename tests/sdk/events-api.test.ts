// The SDK's events resource against the real service: the event log of real payments, its
// pages, each event's deliveries attempt by attempt, and replay to a receiver on a loopback port.
import {
  createClient,
  verifyWebhook,
  type EventRecord,
  type MpesaBridgeClient,
  type Transaction,
} from '@mpesa-bridge/sdk';
import { eventually } from '../helpers/realtime';
import { startTestServer, type TestServer } from '../helpers/server';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver';
import { order, rejection, sdkClientFor } from './sdk-client';

let server: TestServer;
let client: MpesaBridgeClient;
let keys: { publicKey: string; secretKey: string };
let hooks: WebhookReceiver;
let secret: string;
let endpointId: string;
/** Settled in this order: completed, cancelled, completed. */
let payments: Transaction[];

beforeAll(async () => {
  server = await startTestServer({ WEBHOOK_RETRY_SCHEDULE: '100ms,100ms', WEBHOOK_POLL_INTERVAL_MS: '50' });
  ({ client, keys } = await sdkClientFor(server));
  hooks = await startWebhookReceiver();
  ({
    secret,
    endpoint: { id: endpointId },
  } = await client.webhookEndpoints.create({ url: hooks.url }));
  payments = [];
  for (const phone of ['0712345678', '0700000001', '0712345678']) {
    const { transaction } = await client.transactions.initiate(order({ phone }));
    payments.push(await client.waitForResult(transaction.id, { timeoutMs: 10_000 }));
  }
  await hooks.waitForAccepted(3);
});
afterAll(async () => {
  await hooks.close();
  await server.close();
});

const transactionIdOf = (event: EventRecord) =>
  'transaction' in event.data ? event.data.transaction.id : null;

describe('when the event log is listed', () => {
  it('then for await walks every page, newest first, one event per settled payment with its transaction', async () => {
    expect(payments.map((t) => t.status)).toEqual(['completed', 'cancelled', 'completed']);
    const seen: EventRecord[] = [];
    for await (const event of client.events.list({ limit: 2 })) seen.push(event);
    expect(seen.map((event) => event.type)).toEqual([
      'transaction.completed',
      'transaction.cancelled',
      'transaction.completed',
    ]);
    expect(seen.map(transactionIdOf)).toEqual(payments.map((t) => t.id).reverse());
    expect(seen.map((event) => event.transactionId)).toEqual(payments.map((t) => t.id).reverse());
    expect([...seen.map((event) => event.id)].sort().reverse()).toEqual(seen.map((event) => event.id));
    // The record carries what the deliveries carried.
    const delivered = [...hooks.accepted().values()].map((webhook) =>
      verifyWebhook(webhook.headers, webhook.body, secret),
    );
    for (const event of seen) {
      expect(delivered.find((body) => body.id === event.id)).toEqual({
        id: event.id,
        type: event.type,
        timestamp: event.createdAt,
        data: event.data,
      });
    }

    const first = await client.events.list({ limit: 2 });
    expect(first.data.map((event) => event.id)).toEqual(seen.slice(0, 2).map((event) => event.id));
    expect(first.nextCursor).toBe(first.data[1]!.id);
    expect((await client.events.list({ limit: 2 }).pages()[Symbol.asyncIterator]().next()).value).toEqual(
      first,
    );
  });

  it('then type and transactionId filter it', async () => {
    const cancelled = await client.events.list({ type: 'transaction.cancelled' }).all();
    expect(cancelled.map(transactionIdOf)).toEqual([payments[1]!.id]);
    const [only] = await client.events.list({ transactionId: payments[0]!.id }).all();
    expect(only).toMatchObject({ type: 'transaction.completed', transactionId: payments[0]!.id });
    expect(await client.events.list({ type: 'webhook_endpoint.disabled' }).all()).toEqual([]);
  });
});

describe('when one event is read', () => {
  it('then get gives the event and its delivery with every attempt', async () => {
    const [event] = await client.events.list({ transactionId: payments[1]!.id }).all();
    const detail = await eventually(
      () => client.events.get(event!.id),
      (found) => found.deliveries[0]?.status === 'succeeded',
    );
    expect(detail.event).toEqual(event);
    expect(detail.deliveries).toHaveLength(1);
    const [delivery] = detail.deliveries;
    expect(delivery).toMatchObject({
      eventId: event!.id,
      endpointId,
      status: 'succeeded',
      attempts: 1,
      lastStatusCode: 200,
      nextAttemptAt: null,
    });
    expect(delivery!.attemptLog).toEqual([
      {
        id: expect.stringMatching(/^wha_/),
        attemptedAt: expect.any(String),
        statusCode: 200,
        latencyMs: expect.any(Number),
        responseBody: 'ok',
        error: null,
      },
    ]);
  });

  it('then an unknown or foreign event is event_not_found', async () => {
    expect(await rejection(client.events.get('evt_doesnotexist'))).toMatchObject({
      code: 'event_not_found',
      status: 404,
    });
    const { client: stranger } = await sdkClientFor(server);
    const {
      data: [event],
    } = await client.events.list({ limit: 1 });
    expect(await rejection(stranger.events.get(event!.id))).toMatchObject({ code: 'event_not_found' });
    expect(await stranger.events.list().all()).toEqual([]);
  });
});

describe('when an event is redelivered', () => {
  it('then the same body arrives again under the same webhook-id, and the attempt is on record', async () => {
    const [event] = await client.events.list({ transactionId: payments[2]!.id }).all();
    const before = hooks.received.length;
    const { deliveries } = await client.events.redeliver(event!.id);
    expect(deliveries).toEqual([
      expect.objectContaining({ eventId: event!.id, endpointId, status: 'pending', attempts: 0 }),
    ]);

    const received = await eventually(
      async () => hooks.received,
      (list) => list.length > before,
    );
    const again = received[before]!;
    const original = [...hooks.accepted().values()].find(
      (webhook) => webhook.headers['webhook-id'] === event!.id,
    )!;
    expect(again.headers['webhook-id']).toBe(event!.id);
    expect(again.body).toBe(original.body);
    expect(verifyWebhook(again.headers, again.body, secret).id).toBe(event!.id);
    const detail = await eventually(
      () => client.events.get(event!.id),
      (found) => found.deliveries[0]?.attemptLog.length === 2,
    );
    expect(detail.deliveries[0]!.attemptLog.map((attempt) => attempt.statusCode)).toEqual([200, 200]);
  });

  it('then two clients with the same keys (two processes) redelivering it in the same second are both served', async () => {
    const [event] = await client.events.list({ transactionId: payments[0]!.id }).all();
    // Same keys, same request, same second: byte for byte the same signature, which the
    // service refuses as a replay; the refused client signs it again for the next second.
    const other = createClient({ baseUrl: server.url, publicKey: keys.publicKey, secretKey: keys.secretKey });
    const both = await Promise.all([client.events.redeliver(event!.id), other.events.redeliver(event!.id)]);
    expect(both.map(({ deliveries }) => deliveries.length)).toEqual([1, 1]);
  });

  it('then it goes to a named endpoint even if that endpoint does not subscribe to the type, and to no other', async () => {
    const late = await startWebhookReceiver();
    try {
      const registered = await client.webhookEndpoints.create({
        url: late.url,
        eventTypes: ['transaction.failed'],
      });
      const [event] = await client.events.list({ transactionId: payments[0]!.id }).all();
      const sentBefore = hooks.received.length;
      const { deliveries } = await client.events.redeliver(event!.id, { endpointId: registered.endpoint.id });
      expect(deliveries.map((delivery) => delivery.endpointId)).toEqual([registered.endpoint.id]);
      const [arrived] = [...(await late.waitForAccepted(1)).values()];
      const body = verifyWebhook(arrived!.headers, arrived!.body, registered.secret);
      expect(body).toMatchObject({ id: event!.id, type: 'transaction.completed' });
      expect(hooks.received).toHaveLength(sentBefore);

      expect(
        await rejection(client.events.redeliver(event!.id, { endpointId: 'we_doesnotexist' })),
      ).toMatchObject({ code: 'webhook_endpoint_not_found', status: 404 });
    } finally {
      await late.close();
    }
  });
});
