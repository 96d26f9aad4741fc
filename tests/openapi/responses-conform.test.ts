// Real answers of a real server conform to what /openapi.json promises: each status is
// documented for its route and each body validates against the documented schema (JSON
// Schema 2020-12, with formats). Socket.io payloads are checked against their components.
import axios from 'axios';
import type { OpenApiDocument } from '../../src/core/openapi.types';
import { startTestServer, type TestServer } from '../helpers/server';
import { createProject, initiateBody, merchantClient, type MerchantRequest } from '../helpers/merchant';
import { connectSubscriber, type Subscriber } from '../helpers/realtime';
import { documentValidator, fetchDocument, type DocumentValidator } from './document';

let server: TestServer;
let merchant: MerchantRequest;
let validator: DocumentValidator;
let doc: OpenApiDocument;
const subscribers: Subscriber[] = [];

const admin = () => ({
  headers: { Authorization: `Bearer ${server.adminToken}` },
  validateStatus: () => true,
});

beforeAll(async () => {
  server = await startTestServer();
  doc = await fetchDocument(server.url);
  validator = documentValidator(doc);
  merchant = merchantClient(server.url, await createProject(server.url, server.adminToken));
});
afterEach(() => subscribers.splice(0).forEach((subscriber) => subscriber.close()));
afterAll(() => server.close());

async function initiate(phone: string) {
  const answer = await merchant({
    method: 'POST',
    path: '/api/v1/transactions/initiate',
    body: initiateBody({ phone, metadata: { orderId: '42' } }),
  });
  expect(answer.status).toBe(201);
  return answer;
}

describe('when the operator API answers', () => {
  it('then created, listed and rotated projects and its errors match the document', async () => {
    const created = await axios.post(`${server.url}/api/v1/projects`, { name: 'Conformance shop' }, admin());
    expect(validator.response('post', '/api/v1/projects', created)).toEqual([]);
    expect(created.status).toBe(201);

    const listed = await axios.get(`${server.url}/api/v1/projects`, admin());
    expect(validator.response('get', '/api/v1/projects', listed)).toEqual([]);

    const rotated = await axios.post(
      `${server.url}/api/v1/projects/${created.data.project.id}/keys/rotate`,
      undefined,
      admin(),
    );
    expect(rotated.data.project.keysRotatedAt).not.toBeNull();
    expect(validator.response('post', '/api/v1/projects/{id}/keys/rotate', rotated)).toEqual([]);

    const missing = await axios.post(
      `${server.url}/api/v1/projects/prj_nope/keys/rotate`,
      undefined,
      admin(),
    );
    expect(missing.status).toBe(404);
    expect(validator.response('post', '/api/v1/projects/{id}/keys/rotate', missing)).toEqual([]);

    const unauthorized = await axios.get(`${server.url}/api/v1/projects`, { validateStatus: () => true });
    expect(unauthorized.status).toBe(401);
    expect(validator.response('get', '/api/v1/projects', unauthorized)).toEqual([]);
  });
});

describe('when the merchant API answers', () => {
  it('then initiate, get and list answers match the document, before and after settlement', async () => {
    const started = await initiate('0712345678');
    expect(validator.response('post', '/api/v1/transactions/initiate', started)).toEqual([]);
    const id = started.data.transaction.id as string;

    const subscriber = await connectSubscriber(server.url);
    subscribers.push(subscriber);
    const ack = await subscriber.subscribe(id, started.data.clientSecret);
    expect(validator.component('SubscribeAck', ack)).toEqual([]);
    const completedEvent = await subscriber.waitForStatus('completed');
    expect(validator.component('ClientTransaction', subscriber.events[0])).toEqual([]);
    expect(validator.component('ClientTransaction', completedEvent)).toEqual([]);

    const got = await merchant({ method: 'GET', path: `/api/v1/transactions/${id}` });
    expect(got.data.transaction.mpesaReceiptNumber).toEqual(expect.any(String));
    expect(validator.response('get', '/api/v1/transactions/{id}', got)).toEqual([]);

    const page = await merchant({ method: 'GET', path: '/api/v1/transactions?limit=1' });
    expect(page.data.data).toHaveLength(1);
    expect(validator.response('get', '/api/v1/transactions', page)).toEqual([]);
  });

  it('then a failed payment (with its failure object) matches the document', async () => {
    const started = await initiate('0700000001');
    const subscriber = await connectSubscriber(server.url);
    subscribers.push(subscriber);
    const ack = await subscriber.subscribe(started.data.transaction.id, started.data.clientSecret);
    expect(ack).toEqual({ ok: true });
    const cancelled = await subscriber.waitForStatus('cancelled');
    expect(cancelled.failure).toMatchObject({ code: 'cancelled_by_customer' });
    expect(validator.component('ClientTransaction', cancelled)).toEqual([]);
    const got = await merchant({
      method: 'GET',
      path: `/api/v1/transactions/${started.data.transaction.id}`,
    });
    expect(validator.response('get', '/api/v1/transactions/{id}', got)).toEqual([]);
  });

  it('then refusals match the documented error responses of their route', async () => {
    const invalid = await merchant({
      method: 'POST',
      path: '/api/v1/transactions/initiate',
      body: initiateBody({ phone: '12' }),
    });
    expect(invalid.status).toBe(400);
    expect(validator.response('post', '/api/v1/transactions/initiate', invalid)).toEqual([]);

    const unknown = await merchant({ method: 'GET', path: '/api/v1/transactions/txn_unknown' });
    expect(unknown.status).toBe(404);
    expect(validator.response('get', '/api/v1/transactions/{id}', unknown)).toEqual([]);

    const badSignature = await merchant({
      method: 'GET',
      path: '/api/v1/transactions',
      signWith: { secretKey: 'sk_wrong' },
    });
    expect(badSignature.status).toBe(401);
    expect(validator.response('get', '/api/v1/transactions', badSignature)).toEqual([]);

    const busy = await merchant({
      method: 'POST',
      path: '/api/v1/transactions/initiate',
      body: initiateBody({ phone: '0700000008' }),
    });
    expect(busy.status).toBe(409);
    expect(validator.response('post', '/api/v1/transactions/initiate', busy)).toEqual([]);

    const refused = await subscribeWith({ transactionId: 'txn_unknown', clientSecret: 'cs_nope' });
    expect(validator.component('SubscribeAck', refused)).toEqual([]);
  });

  it('then a body that breaks the documented schema is caught (the check can fail)', async () => {
    const got = await merchant({ method: 'GET', path: '/api/v1/transactions?limit=1' });
    const tampered = {
      ...got,
      data: { data: [{ ...got.data.data[0], status: 'paid', surprise: true }], nextCursor: null },
    };
    const errors = validator.response('get', '/api/v1/transactions', tampered);
    expect(errors.join('\n')).toMatch(/status must be equal to one of the allowed values/);
    expect(errors.join('\n')).toMatch(/must NOT have additional properties/);
    expect(validator.response('get', '/api/v1/transactions', { status: 418, data: {} })).toEqual([
      'GET /api/v1/transactions does not document status 418',
    ]);
  });
});

describe('when the system endpoints answer', () => {
  it('then /health, /ready and /openapi.json match the document', async () => {
    for (const path of ['/health', '/ready', '/openapi.json']) {
      const answer = await axios.get(`${server.url}${path}`);
      expect(validator.response('get', path, answer)).toEqual([]);
    }
  });
});

async function subscribeWith(payload: unknown): Promise<unknown> {
  const subscriber = await connectSubscriber(server.url);
  subscribers.push(subscriber);
  return subscriber.socket.timeout(5000).emitWithAck('subscribe', payload);
}
