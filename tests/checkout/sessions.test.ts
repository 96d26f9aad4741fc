// Checkout sessions a merchant's server creates, and the push limits of the public pages,
// against the real service and its simulator (SQLite, or PostgreSQL with TEST_DATABASE_URL).
import { startTestServer, type TestServer } from '../helpers/server';
import { createProject, merchantClient, type MerchantRequest } from '../helpers/merchant';
import { createLink, customer, paid, PHONES, sessionReaches, type Customer } from './checkout-helpers';

let server: TestServer;
let merchant: MerchantRequest;
let shopper: Customer;
const PER_PHONE = 3;
const PER_ADDRESS = 6;

beforeAll(async () => {
  server = await startTestServer({
    // Each test names its customer's address (X-Forwarded-For, believed from this machine only).
    TRUST_PROXY: 'loopback',
    CHECKOUT_PUSHES_PER_PHONE: String(PER_PHONE),
    CHECKOUT_PUSHES_PER_ADDRESS: String(PER_ADDRESS),
  });
  merchant = merchantClient(server.url, await createProject(server.url, server.adminToken, 'Duka'));
  shopper = customer(server.url);
});
afterAll(() => server.close());

async function createSession(body: Record<string, unknown> = {}) {
  const answer = await merchant({
    method: 'POST',
    path: '/api/v1/checkout-sessions',
    body: { amount: 1500, accountReference: 'INV-9', title: 'Order 9', ...body },
  });
  expect(answer.status).toBe(201);
  return answer.data as { id: string; url: string; clientSecret: string; expiresAt: string; state: string };
}

describe('POST /api/v1/checkout-sessions', () => {
  it('when the merchant creates a session, then it answers {id, url, clientSecret, expiresAt}, the secret in the fragment', async () => {
    const before = Date.now();
    const session = await createSession({ expiresInSeconds: 600, successUrl: 'https://shop.example/thanks' });
    expect(session.id).toMatch(/^chk_[0-9a-z]+$/);
    expect(session.url).toBe(`${server.url}/c/${session.id}#${session.clientSecret}`);
    expect(session.clientSecret).toMatch(/^cs_/);
    expect(Date.parse(session.expiresAt) - before).toBeGreaterThanOrEqual(599_000);
    expect(session).toMatchObject({ state: 'open', amount: 1500, accountReference: 'INV-9', linkId: null });
  });

  it('when the page reads the session without its secret or with another one, then it is not found (one answer for both)', async () => {
    const session = await createSession();
    const other = await createSession();
    for (const secret of [undefined, other.clientSecret, 'cs_00000000.AAAA']) {
      const answer = await shopper.session(session.id, secret);
      expect([answer.status, answer.data.error.code]).toEqual([404, 'checkout_session_not_found']);
    }
    const ok = await shopper.session(session.id, session.clientSecret);
    expect(ok.data.session).toMatchObject({
      merchant: { name: 'Duka' },
      mode: 'test',
      state: 'open',
      amount: 1500,
      accountReference: 'INV-9',
      title: 'Order 9',
      payInstead: null,
      payment: null,
    });
  });

  it('when the customer pays, then a second press while the prompt is open is refused; once paid, the merchant sees the paid payment', async () => {
    const session = await createSession({ metadata: { orderId: '9' } });
    const first = paid(await shopper.paySession(session.id, session.clientSecret, PHONES.silent));
    expect(first.session.state).toBe('pending');
    const twice = await shopper.paySession(session.id, session.clientSecret, PHONES.pays);
    expect([twice.status, twice.data.error.code]).toEqual([409, 'checkout_payment_pending']);

    const other = await createSession({ amount: 20 });
    const pay = paid(await shopper.paySession(other.id, other.clientSecret, PHONES.pays));
    await sessionReaches(shopper, pay, 'paid');
    const seen = await merchant({ method: 'GET', path: `/api/v1/checkout-sessions/${other.id}` });
    expect(seen.data).toMatchObject({
      state: 'paid',
      paidTransactionId: pay.session.payment!.transaction.id,
    });
    const txn = await merchant({
      method: 'GET',
      path: `/api/v1/transactions/${seen.data.paidTransactionId}`,
    });
    expect(txn.data.transaction).toMatchObject({ amount: 20, accountReference: 'INV-9' });
    expect(txn.data.transaction.metadata.checkout).toEqual({ sessionId: other.id });
  });

  it('when a session has expired, then paying it is refused with checkout_session_expired', async () => {
    const session = await createSession();
    const db = server.database();
    await db.run(
      db.qb
        .updateTable('CheckoutSession')
        .set({ expiresAt: new Date(Date.now() - 1000) })
        .where('id', '=', session.id),
    );
    expect((await shopper.session(session.id, session.clientSecret)).data.session.state).toBe('expired');
    const answer = await shopper.paySession(session.id, session.clientSecret, PHONES.pays);
    expect([answer.status, answer.data.error.code]).toEqual([410, 'checkout_session_expired']);
  });

  it('when another project reads the session, then it is not found', async () => {
    const session = await createSession();
    const other = merchantClient(server.url, await createProject(server.url, server.adminToken, 'Other'));
    const answer = await other({ method: 'GET', path: `/api/v1/checkout-sessions/${session.id}` });
    expect([answer.status, answer.data.error.code]).toEqual([404, 'checkout_session_not_found']);
  });
});

describe('push limits of the public pages', () => {
  const from = (address: string) => customer(server.url, { 'X-Forwarded-For': address });

  it(`when one phone is prompted ${PER_PHONE} times, then the next prompt to it is refused (429, Retry-After), whoever sends it`, async () => {
    const link = await createLink(merchant, { title: 'Bomb target', amount: 10 });
    for (let i = 0; i < PER_PHONE; i++)
      paid(await from(`198.51.100.${i + 1}`).payLink(link.slug, { phone: '0733000001' }));
    const refused = await from('198.51.100.50').payLink(link.slug, { phone: '+254 733 000 001' });
    expect([refused.status, refused.data.error.code, refused.data.error.details.limit]).toEqual([
      429,
      'rate_limited',
      'phone',
    ]);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.data.error.details).toMatchObject({ allowed: PER_PHONE, windowSeconds: 600 });
    // Another checkout does not reset it: the limit is the phone's, over every page.
    const session = await createSession();
    const again = await from('198.51.100.51').paySession(session.id, session.clientSecret, '0733000001');
    expect([again.status, again.data.error.details.limit]).toEqual([429, 'phone']);
  });

  it(`when one address prompts ${PER_ADDRESS} times (any phones), then it is refused, and counted nothing for the phone it named`, async () => {
    const link = await createLink(merchant, { title: 'Many phones', amount: 10 });
    const attacker = from('203.0.113.7');
    for (let i = 0; i < PER_ADDRESS; i++)
      paid(await attacker.payLink(link.slug, { phone: `07340000${String(i).padStart(2, '0')}` }));
    const refused = await attacker.payLink(link.slug, { phone: '0734000099' });
    expect([refused.status, refused.data.error.details.limit]).toEqual([429, 'address']);
    for (let i = 0; i < PER_PHONE; i++)
      paid(await from(`203.0.113.${100 + i}`).payLink(link.slug, { phone: '0734000099' }));
  });
});
