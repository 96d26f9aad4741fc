// The project stream (`/projects`): a signed handshake follows one project in one mode and
// hears its payments start and change, its events with their exact webhook bodies, and the
// callbacks that arrived for it, refused ones included. Nobody else's, and nothing unsigned.
import axios from 'axios';
import { startTestServer, type TestServer } from '../helpers/server';
import { initiateBody, merchantClient, type MerchantRequest, type ProjectKeys } from '../helpers/merchant';
import { keysOf } from '../helpers/accounts';
import { adminHeaders, pause } from '../helpers/http-edges';
import { postCallback, successCallback } from '../helpers/callbacks';
import { connectProjectStream, refusalOf, type ProjectStream } from '../helpers/project-stream';

/** How long a wrongly routed message would take to arrive, at most, after the right one. */
const STRAY_GRACE_MS = 200;

let server: TestServer;
const streams: ProjectStream[] = [];

beforeAll(async () => {
  // TRUST_PROXY=1: a test can speak for a foreign source address with X-Forwarded-For.
  server = await startTestServer({ SIMULATOR_CALLBACK_DELAY_MS: '300', TRUST_PROXY: '1' });
});
afterEach(() => streams.splice(0).forEach((stream) => stream.close()));
afterAll(() => server.close());

async function newProject(name: string) {
  const created = await axios.post(
    `${server.url}/api/v1/projects`,
    { name },
    { headers: adminHeaders(server) },
  );
  const test = keysOf(created.data, 'test');
  return {
    id: created.data.project.id as string,
    test,
    live: keysOf(created.data, 'live'),
    client: merchantClient(server.url, test),
  };
}

async function follow(keys: ProjectKeys): Promise<ProjectStream> {
  const stream = await connectProjectStream(server.url, keys);
  streams.push(stream);
  return stream;
}

async function pay(client: MerchantRequest, phone = '0712345678') {
  const response = await client({
    method: 'POST',
    path: '/api/v1/transactions/initiate',
    body: initiateBody({ phone }),
  });
  expect(response.status).toBe(201);
  return response.data.transaction as { id: string; checkoutRequestId: string };
}

describe('when a merchant follows its project and a customer pays', () => {
  it('then it hears the payment start and complete, its event with the webhook body, and the callback with the phone masked', async () => {
    const shop = await newProject('Stream shop');
    const stream = await follow(shop.test);
    const payment = await pay(shop.client, '0712345678');

    const started = await stream.waitFor(
      (m) => m.kind === 'transaction' && m.body.transaction.id === payment.id,
      'the new payment',
    );
    expect(started.body.transaction).toMatchObject({
      id: payment.id,
      status: 'pending',
      amount: 10,
      mode: 'test',
    });
    const completed = await stream.waitFor(
      (m) => m.kind === 'transaction' && m.body.transaction.status === 'completed',
      'the completion',
    );
    expect(completed.body.transaction).toMatchObject({
      id: payment.id,
      amountPaid: 10,
      mpesaReceiptNumber: expect.any(String),
    });

    const event = await stream.waitFor((m) => m.kind === 'event', 'the event');
    expect(event.body).toMatchObject({
      id: expect.stringMatching(/^evt_/),
      type: 'transaction.completed',
      transactionId: payment.id,
    });
    const webhookBody = JSON.parse(event.body.payload as string);
    expect(webhookBody).toMatchObject({
      type: 'transaction.completed',
      data: { transaction: { id: payment.id, status: 'completed' } },
    });
    // The same event the REST API keeps.
    const kept = await shop.client({ method: 'GET', path: `/api/v1/events/${event.body.id}` });
    expect(kept.data.event).toMatchObject({ id: event.body.id, type: 'transaction.completed' });

    const callback = await stream.waitFor((m) => m.kind === 'callback', 'the callback');
    expect(callback.body).toMatchObject({
      id: expect.stringMatching(/^cbk_/),
      transactionId: payment.id,
      allowed: true,
      outcome: 'applied',
    });
    const received = JSON.parse(callback.body.body as string);
    // The CheckoutRequestID ends with the phone's last 9 digits: masked too.
    expect(received.Body.stkCallback.CheckoutRequestID).toBe(
      payment.checkoutRequestId.replace(/712345678$/, '712***678'),
    );
    expect(received.Body.stkCallback.CallbackMetadata.Item).toContainEqual({
      Name: 'PhoneNumber',
      Value: '254712***678',
    });
    expect(callback.body.body).not.toContain('712345678');
  });
});

describe('when a callback comes for a payment from an address not on the allowlist', () => {
  it('then the project hears it was refused, and the payment is untouched', async () => {
    const shop = await newProject('Refused shop');
    const payment = await pay(shop.client);
    const stream = await follow(shop.test);
    const response = await postCallback(
      server.url,
      server.callbackPath(payment.id),
      successCallback(payment.checkoutRequestId, 10),
      { 'X-Forwarded-For': '203.0.113.9' },
    );
    expect(response.status).toBe(403);

    const refused = await stream.waitFor(
      (m) => m.kind === 'callback' && m.body.allowed === false,
      'the refused callback',
    );
    expect(refused.body).toMatchObject({
      id: null,
      transactionId: payment.id,
      sourceIp: '203.0.113.9',
      outcome: 'refused',
      body: '',
    });
  });

  it('then a refused post with a wrong token tells nobody (it vouches for no payment)', async () => {
    const shop = await newProject('Token shop');
    const payment = await pay(shop.client);
    const stream = await follow(shop.test);
    await postCallback(
      server.url,
      `/api/v1/callbacks/stk/${payment.id}/not-the-token`,
      successCallback(payment.checkoutRequestId, 10),
      { 'X-Forwarded-For': '203.0.113.9' },
    );
    // The simulator's own callback (allowed) follows: once it is heard, a refusal would have been too.
    await stream.waitFor((m) => m.kind === 'callback' && m.body.allowed === true, 'the allowed callback');
    expect(stream.messages.filter((m) => m.kind === 'callback' && m.body.allowed === false)).toEqual([]);
  });
});

describe('when two projects and two modes are followed', () => {
  it("then each stream hears its own project's payments in its own mode only", async () => {
    const a = await newProject('Shop A');
    const b = await newProject('Shop B');
    const aTest = await follow(a.test);
    const aLive = await follow(a.live);
    const bTest = await follow(b.test);

    const paid = await pay(a.client);
    await aTest.waitFor((m) => m.kind === 'event' && m.body.transactionId === paid.id, "A's event");
    await aTest.waitFor((m) => m.kind === 'callback' && m.body.transactionId === paid.id, "A's callback");
    await pause(STRAY_GRACE_MS);
    expect(bTest.messages).toEqual([]);
    expect(aLive.messages).toEqual([]);
  });
});

describe('when a handshake is not right', () => {
  let keys: ProjectKeys;
  beforeAll(async () => {
    keys = (await newProject('Handshake shop')).test;
  });
  const now = () => Math.floor(Date.now() / 1000);

  it.each([
    ['no auth', { auth: {} }, 'signature_missing'],
    ['a signature with the wrong secret', { secretKey: 'sk_test_not_the_secret' }, 'signature_invalid'],
    ['a signature over another path', { path: '/socket.io/' }, 'signature_invalid'],
    ['a timestamp ten minutes old', { timestamp: now() - 600 }, 'signature_expired'],
  ])('then %s is refused with its code', async (_what, options, code) => {
    expect(await refusalOf(connectProjectStream(server.url, keys, options))).toMatchObject({
      code,
      message: expect.any(String),
    });
  });

  it('then an unknown public key is api_key_unknown', async () => {
    expect(
      await refusalOf(
        connectProjectStream(server.url, {
          publicKey: 'pk_test_unknown000000000000',
          secretKey: 'sk_test_x',
        }),
      ),
    ).toMatchObject({ code: 'api_key_unknown' });
  });

  it('then a disabled project is project_disabled, with its right keys', async () => {
    const shop = await newProject('Disabled shop');
    expect(
      (
        await axios.patch(
          `${server.url}/api/v1/projects/${shop.id}`,
          { disabled: true },
          { headers: adminHeaders(server) },
        )
      ).status,
    ).toBe(200);
    expect(await refusalOf(connectProjectStream(server.url, shop.test))).toMatchObject({
      code: 'project_disabled',
    });
  });
});
