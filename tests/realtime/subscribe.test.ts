// Socket.io rooms: only the holder of a transaction's client secret may join its room, one
// refusal hides whether the id exists, and a room hears about its own transaction only.
import { randomBytes } from 'node:crypto';
import { startTestServer, type TestServer } from '../helpers/server';
import { initiateBody, type MerchantRequest, merchantFor } from '../helpers/merchant';
import { connectSubscriber, type Subscriber } from '../helpers/realtime';
import { pause } from '../helpers/http-edges';
import { createKeyring } from '../../src/security/vault';
import { createTransactionSecrets, type TransactionSecrets } from '../../src/security/transaction-secrets';

const REFUSED = { ok: false, error: { code: 'subscription_refused', message: expect.any(String) } };
/** Long enough for a subscriber to be in place before the simulator's callback settles the payment. */
const CALLBACK_DELAY_MS = 300;
/** How long a wrongly routed event would take to arrive, at most, after the right one. */
const STRAY_EVENT_GRACE_MS = 150;

let server: TestServer;
let merchant: MerchantRequest;
let secrets: TransactionSecrets;
const subscribers: Subscriber[] = [];

beforeAll(async () => {
  const masterKey = randomBytes(32).toString('hex');
  server = await startTestServer({
    MASTER_KEY: masterKey,
    SIMULATOR_CALLBACK_DELAY_MS: String(CALLBACK_DELAY_MS),
  });
  secrets = createTransactionSecrets(createKeyring(Buffer.from(masterKey, 'hex')));
  merchant = await merchantFor(server);
});
afterEach(() => subscribers.splice(0).forEach((subscriber) => subscriber.close()));
afterAll(() => server.close());

async function connect(): Promise<Subscriber> {
  const subscriber = await connectSubscriber(server.url);
  subscribers.push(subscriber);
  return subscriber;
}

async function initiate(phone = '0712345678'): Promise<{ id: string; clientSecret: string }> {
  const response = await merchant({
    method: 'POST',
    path: '/api/v1/transactions/initiate',
    body: initiateBody({ phone }),
  });
  expect(response.status).toBe(201);
  return { id: response.data.transaction.id as string, clientSecret: response.data.clientSecret as string };
}

/** A subscriber with the right secret: it proves the event was sent, so silence elsewhere means something. */
async function witness(id: string, clientSecret: string): Promise<Subscriber> {
  const subscriber = await connect();
  expect(await subscriber.subscribe(id, clientSecret)).toEqual({ ok: true });
  return subscriber;
}

const emitSubscribe = (subscriber: Subscriber, payload: unknown) =>
  subscriber.socket.timeout(5000).emitWithAck('subscribe', payload);

describe('when a browser subscribes with a wrong client secret', () => {
  it('then it is refused and hears nothing when the payment later completes', async () => {
    const payment = await initiate();
    const intruder = await connect();
    expect(await intruder.subscribe(payment.id, 'cs_not_the_secret')).toEqual(REFUSED);

    const honest = await witness(payment.id, payment.clientSecret);
    await honest.waitForStatus('completed', 5000);
    await pause(STRAY_EVENT_GRACE_MS);
    expect(intruder.events).toEqual([]);
  });

  it("then another transaction's valid secret does not open this room", async () => {
    const target = await initiate();
    const mine = await initiate();
    const intruder = await connect();
    expect(await intruder.subscribe(target.id, mine.clientSecret)).toEqual(REFUSED);

    const honest = await witness(target.id, target.clientSecret);
    await honest.waitForStatus('completed', 5000);
    await pause(STRAY_EVENT_GRACE_MS);
    expect(intruder.events).toEqual([]);
  });
});

describe('when a browser subscribes to a transaction that does not exist', () => {
  it('then it is refused, even with the secret the server would derive for that id', async () => {
    const ghost = 'txn_0000000000000000000000000000';
    const subscriber = await connect();
    expect(await subscriber.subscribe(ghost, secrets.clientSecret(ghost))).toEqual(REFUSED);
    expect(await subscriber.subscribe(ghost, 'cs_whatever')).toEqual(REFUSED);
    await pause(STRAY_EVENT_GRACE_MS);
    expect(subscriber.events).toEqual([]);
  });
});

describe('when the subscribe payload is malformed', () => {
  it.each([
    ['a string', 'txn_abc'],
    ['null', null],
    ['an empty object', {}],
    ['a numeric id', { transactionId: 42, clientSecret: 'cs_x' }],
    ['no client secret', { transactionId: 'txn_abc' }],
    ['an empty client secret', { transactionId: 'txn_abc', clientSecret: '' }],
    ['an id over 64 characters', { transactionId: `txn_${'a'.repeat(61)}`, clientSecret: 'cs_x' }],
    ['a secret over 128 characters', { transactionId: 'txn_abc', clientSecret: 'c'.repeat(129) }],
  ])('then %s is refused with subscription_refused', async (_label, payload) => {
    const subscriber = await connect();
    expect(await emitSubscribe(subscriber, payload)).toEqual(REFUSED);
  });

  it('then the connection stays usable for a valid subscription afterwards', async () => {
    const payment = await initiate();
    const subscriber = await connect();
    expect(await emitSubscribe(subscriber, { transactionId: payment.id })).toEqual(REFUSED);
    expect(await subscriber.subscribe(payment.id, payment.clientSecret)).toEqual({ ok: true });
    await subscriber.waitForStatus('completed', 5000);
  });
});

describe('when a browser is subscribed to one transaction and another one changes', () => {
  it('then it gets only its own transaction’s events', async () => {
    const a = await initiate('0700000005'); // never called back: A stays pending
    const b = await initiate();
    const subscriberA = await witness(a.id, a.clientSecret);
    const subscriberB = await witness(b.id, b.clientSecret);

    await subscriberB.waitForStatus('completed', 5000);
    await pause(STRAY_EVENT_GRACE_MS);
    expect(subscriberA.events.length).toBeGreaterThan(0); // the current state, sent on subscribe
    expect(subscriberA.events.map((event) => event.id)).toEqual(subscriberA.events.map(() => a.id));
    expect(subscriberA.events.map((event) => event.status)).not.toContain('completed');
    expect(subscriberB.events.every((event) => event.id === b.id)).toBe(true);
  });
});
