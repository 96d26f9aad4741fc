// Answers that carry a secret are never kept by a cache: every route the OpenAPI document says
// answers with a secret is walked here, its secret seen in the body, and `Cache-Control:
// no-store` checked; a route added later with a secret in its answer fails the coverage check
// until it is walked too.
import axios, { type AxiosResponse } from 'axios';
import { createProject, initiateBody, merchantClient, type ProjectKeys } from '../helpers/merchant';
import { browserFor, createDashboardUser, PASSWORD } from '../helpers/dashboard';
import { startTestServer, type TestServer } from '../helpers/server';
import { createLink, customer, PHONES } from '../checkout/checkout-helpers';

/** Property names that hold a secret in our answers. */
const SECRET_FIELD = /^(secret|secretKey|secretKeys|clientSecret|csrfToken|token)$/;

let server: TestServer;
let keys: ProjectKeys;

beforeAll(async () => {
  server = await startTestServer();
  keys = await createProject(server.url, server.adminToken, 'No-store shop');
});
afterAll(() => server.close());

type Json = Record<string, unknown>;

/** operationId → whether a 2xx answer's schema holds a secret field, from GET /openapi.json. */
async function operationsAnsweringWithSecrets(): Promise<string[]> {
  const doc = (await axios.get<Json>(`${server.url}/openapi.json`)).data as {
    paths: Record<string, Record<string, { operationId: string; responses: Record<string, Json> }>>;
    components?: { schemas?: Record<string, Json> };
  };
  const schemas = doc.components?.schemas ?? {};
  const holdsSecret = (schema: unknown, seen: Set<unknown>): boolean => {
    if (!schema || typeof schema !== 'object' || seen.has(schema)) return false;
    seen.add(schema);
    const node = schema as Json;
    if (typeof node.$ref === 'string') return holdsSecret(schemas[node.$ref.split('/').pop()!], seen);
    const properties = (node.properties ?? {}) as Json;
    if (Object.keys(properties).some((name) => SECRET_FIELD.test(name))) return true;
    return Object.values(node).some((child) => holdsSecret(child, seen));
  };
  const found: string[] = [];
  for (const operations of Object.values(doc.paths))
    for (const operation of Object.values(operations)) {
      const answers = Object.entries(operation.responses ?? {}).filter(([status]) => status.startsWith('2'));
      if (answers.some(([, answer]) => holdsSecret(answer, new Set()))) found.push(operation.operationId);
    }
  return found.sort();
}

/** Every secret-bearing route, called for real: operationId → its answer. */
async function walkSecretRoutes(): Promise<Map<string, AxiosResponse>> {
  const admin = { headers: { Authorization: `Bearer ${server.adminToken}` }, validateStatus: () => true };
  const walked = new Map<string, AxiosResponse>();
  walked.set('createProject', await axios.post(`${server.url}/api/v1/projects`, { name: 'Another' }, admin));
  walked.set(
    'rotateProjectKeys',
    await axios.post(`${server.url}/api/v1/projects/${keys.projectId}/keys/rotate`, { mode: 'test' }, admin),
  );
  // The rotation above replaced the test pair: sign on with the new one.
  const rotated = walked.get('rotateProjectKeys')!.data as { publicKey: string; secretKey: string };
  keys = { ...keys, publicKey: rotated.publicKey, secretKey: rotated.secretKey };
  const signed = merchantClient(server.url, keys);
  const created = await signed({
    method: 'POST',
    path: '/api/v1/webhook-endpoints',
    body: { url: 'http://127.0.0.1:9/hooks' },
  });
  walked.set('createWebhookEndpoint', created);
  walked.set(
    'rotateWebhookSecret',
    await signed({
      method: 'POST',
      path: `/api/v1/webhook-endpoints/${created.data.endpoint?.id ?? created.data.id}/secret/rotate`,
      body: {},
    }),
  );
  walked.set(
    'initiateTransaction',
    await signed({ method: 'POST', path: '/api/v1/transactions/initiate', body: initiateBody() }),
  );
  walked.set(
    'createTestPayment',
    await signed({ method: 'POST', path: '/api/v1/test-payments', body: { outcome: 'paid' } }),
  );
  // Checkout: a session's client secret, on the merchant's side and the page's, and the payment's
  // client secret a paid page (link or session) gets.
  const session = await signed({
    method: 'POST',
    path: '/api/v1/checkout-sessions',
    body: { amount: 1500, accountReference: 'INV-9', title: 'Order 9' },
  });
  walked.set('createCheckoutSession', session);
  walked.set(
    'getCheckoutSession',
    await signed({ method: 'GET', path: `/api/v1/checkout-sessions/${session.data.id}` }),
  );
  const page = customer(server.url);
  walked.set(
    'payCheckoutSession',
    await page.paySession(session.data.id, session.data.clientSecret, PHONES.silent),
  );
  // Once paid, the page's read carries the payment's client secret too.
  walked.set('viewPublicCheckoutSession', await page.session(session.data.id, session.data.clientSecret));
  const link = await createLink(signed, { title: 'Tea', amount: 100 });
  walked.set('payPaymentLink', await page.payLink(link.slug, { phone: PHONES.pays }));
  await createDashboardUser(server, { email: 'ops@shop.example', password: PASSWORD });
  const browser = await browserFor(server.url, 'ops@shop.example');
  walked.set('signIn', browser.signIn);
  walked.set('getSession', await browser.request({ method: 'GET', path: '/api/v1/dashboard/session' }));
  return walked;
}

const secretsIn = (body: unknown): string[] => {
  if (!body || typeof body !== 'object') return [];
  return Object.entries(body as Json).flatMap(([name, value]) =>
    SECRET_FIELD.test(name) && value ? [name] : secretsIn(value),
  );
};

describe('when a route answers with a secret', () => {
  it('then the answer says Cache-Control: no-store, for every such route the reference lists', async () => {
    const walked = await walkSecretRoutes();
    for (const [operation, answer] of walked) {
      expect({ operation, ok: answer.status < 300 }).toEqual({ operation, ok: true });
      expect({ operation, secrets: secretsIn(answer.data).length > 0 }).toEqual({ operation, secrets: true });
      expect({ operation, cacheControl: answer.headers['cache-control'] }).toEqual({
        operation,
        cacheControl: 'no-store',
      });
    }
    // Every operation documented as answering with a secret was walked above.
    expect(await operationsAnsweringWithSecrets()).toEqual([...walked.keys()].sort());
  });

  it('then refusals and errors of the API are not stored either', async () => {
    const refused = await axios.get(`${server.url}/api/v1/transactions`, { validateStatus: () => true });
    expect(refused.status).toBe(401);
    expect(refused.headers['cache-control']).toBe('no-store');
  });
});
