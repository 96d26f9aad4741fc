// Payment links end to end against the real service and its simulator, on SQLite or (with
// TEST_DATABASE_URL) PostgreSQL: the merchant's API, and the customer's public page API.
import { startTestServer, type TestServer } from '../helpers/server';
import { createProject, merchantClient, type MerchantRequest } from '../helpers/merchant';
import { eventually } from '../helpers/realtime';
import { createLink, customer, paid, PHONES, sessionReaches, type Customer } from './checkout-helpers';

let server: TestServer;
let merchant: MerchantRequest;
let shopper: Customer;

beforeAll(async () => {
  // Generous push limits: their own test (push-limits.test.ts) counts them.
  server = await startTestServer({ CHECKOUT_PUSHES_PER_PHONE: '1000', CHECKOUT_PUSHES_PER_ADDRESS: '1000' });
  merchant = merchantClient(server.url, await createProject(server.url, server.adminToken, 'Mama Mboga'));
  shopper = customer(server.url);
});
afterAll(() => server.close());

const future = (ms: number) => new Date(Date.now() + ms).toISOString();

describe('POST /api/v1/payment-links', () => {
  it('when a link is created, then it has a short URL on this deployment, QR codes, and is active in test mode', async () => {
    const link = await createLink(merchant, { title: 'Yoga class', amount: 500 });
    expect(link.url).toBe(`${server.url}/l/${link.slug}`);
    expect(link.slug).toMatch(/^[a-z2-9]{8}$/);
    expect(link.qr).toEqual({ svg: `${link.url}/qr`, png: `${link.url}/qr?format=png` });
    expect(link).toMatchObject({ state: 'active', mode: 'test', uses: 0, amountType: 'fixed', amount: 500 });
    expect(link).toMatchObject({ referenceTemplate: 'PAY-{n}', maxUses: null });
  });

  it('when the body mixes amount rules or breaks one, then it is refused naming the field', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ title: 'x', amount: 10, minAmount: 5, maxAmount: 20 }, 'amount'],
      [{ title: 'x', minAmount: 5 }, 'maxAmount'],
      [{ title: 'x', minAmount: 50, maxAmount: 20 }, 'maxAmount'],
      [{ title: 'x', amount: 0 }, 'amount'],
      [{ title: 'x', referenceTemplate: 'INVOICE-2025-{n}' }, 'referenceTemplate'],
      [{ title: 'x', referenceTemplate: 'A{n}{n}' }, 'referenceTemplate'],
      [{ title: 'x', referenceTemplate: 'INV-{n}', referenceLabel: 'Account' }, 'referenceLabel'],
      [{ title: 'x', expiresAt: new Date(Date.now() - 1000).toISOString() }, 'expiresAt'],
      [{ title: 'x', slug: 'No Spaces' }, 'slug'],
      [{ title: 'x', redirectUrl: 'javascript:alert(1)' }, 'redirectUrl'],
      [{ title: '' }, 'title'],
    ];
    for (const [body, field] of cases) {
      const answer = await merchant({ method: 'POST', path: '/api/v1/payment-links', body });
      expect([answer.status, answer.data.error.code]).toEqual([400, 'validation_failed']);
      expect(answer.data.error.details.fields.map((f: { field: string }) => f.field)).toContain(field);
    }
  });

  it('when a slug is taken, then the second link is refused with payment_link_slug_taken', async () => {
    await createLink(merchant, { title: 'Poster', amount: 50, slug: 'poster-2025' });
    const again = await merchant({
      method: 'POST',
      path: '/api/v1/payment-links',
      body: { title: 'Other', amount: 50, slug: 'poster-2025' },
    });
    expect([again.status, again.data.error.code]).toEqual([409, 'payment_link_slug_taken']);
  });
});

describe('GET, PATCH /api/v1/payment-links', () => {
  it('when links are listed, read and disabled, then the page says so and refuses payment; reopened, it takes them again', async () => {
    const link = await createLink(merchant, { title: 'Listed', amount: 20 });
    const list = await merchant({ method: 'GET', path: '/api/v1/payment-links?limit=100' });
    expect(list.data.data.map((l: { id: string }) => l.id)).toContain(link.id);
    const read = await merchant({ method: 'GET', path: `/api/v1/payment-links/${link.id}` });
    expect(read.data.link.slug).toBe(link.slug);

    const off = await merchant({
      method: 'PATCH',
      path: `/api/v1/payment-links/${link.id}`,
      body: { disabled: true },
    });
    expect(off.data.link.state).toBe('disabled');
    expect((await shopper.link(link.slug)).data.link.state).toBe('disabled');
    const refused = await shopper.payLink(link.slug, { phone: PHONES.pays });
    expect([refused.status, refused.data.error.code]).toEqual([410, 'payment_link_disabled']);

    const on = await merchant({
      method: 'PATCH',
      path: `/api/v1/payment-links/${link.id}`,
      body: { disabled: false },
    });
    expect(on.data.link.state).toBe('active');
    paid(await shopper.payLink(link.slug, { phone: PHONES.pays }));
  });

  it('when another project asks for a link, then it is not found (a project sees only its own)', async () => {
    const link = await createLink(merchant, { title: 'Mine', amount: 20 });
    const other = merchantClient(server.url, await createProject(server.url, server.adminToken, 'Other'));
    const answer = await other({ method: 'GET', path: `/api/v1/payment-links/${link.id}` });
    expect([answer.status, answer.data.error.code]).toEqual([404, 'payment_link_not_found']);
  });
});

describe('paying through a link (public API)', () => {
  it("when the customer pays a fixed link, then the amount and the numbered reference are the server's, and the page sees Paid with the receipt", async () => {
    const link = await createLink(merchant, { title: 'Invoice', amount: 150, referenceTemplate: 'INV-{n}' });
    const view = (await shopper.link(link.slug)).data.link;
    expect(view).toMatchObject({
      merchant: { name: 'Mama Mboga' },
      mode: 'test',
      state: 'active',
      amount: { type: 'fixed', value: 150, min: 150, max: 150 },
      reference: { type: 'numbered', label: null },
    });
    const first = paid(await shopper.payLink(link.slug, { phone: PHONES.pays }));
    expect(first.session).toMatchObject({ amount: 150, accountReference: 'INV-1', state: 'pending' });
    const session = await sessionReaches(shopper, first, 'paid');
    expect(session.payment!.transaction.mpesaReceiptNumber).toMatch(/^[A-Z0-9]{10}$/);
    const second = paid(await shopper.payLink(link.slug, { phone: PHONES.pays }));
    expect(second.session.accountReference).toBe('INV-2');

    // The ledger has the payments, with the checkout named in their metadata.
    const payment = await merchant({
      method: 'GET',
      path: `/api/v1/transactions/${first.session.payment!.transaction.id}`,
    });
    expect(payment.data.transaction).toMatchObject({
      amount: 150,
      accountReference: 'INV-1',
      mode: 'test',
      status: 'completed',
      metadata: { checkout: { sessionId: first.session.id, linkId: link.id, linkSlug: link.slug } },
    });
    const payments = await merchant({ method: 'GET', path: `/api/v1/payment-links/${link.id}/payments` });
    expect(payments.data.data.map((t: { accountReference: string }) => t.accountReference)).toEqual([
      'INV-2',
      'INV-1',
    ]);
    await sessionReaches(shopper, second, 'paid');
    const after = await merchant({ method: 'GET', path: `/api/v1/payment-links/${link.id}` });
    expect(after.data.link.uses).toBe(2);
  });

  it('when a fixed link is sent another amount, then it is refused: the page cannot change the price', async () => {
    const link = await createLink(merchant, { title: 'Fixed', amount: 100 });
    const answer = await shopper.payLink(link.slug, { phone: PHONES.pays, amount: 1 });
    expect([answer.status, answer.data.error.code]).toEqual([400, 'validation_failed']);
    expect(answer.data.error.message).toBe('amount: this link takes exactly KES 100');
  });

  it('when a range link is paid below, above or without an amount, then it is refused; inside the range it is the amount paid', async () => {
    const link = await createLink(merchant, { title: 'Donation', minAmount: 50, maxAmount: 5000 });
    for (const amount of [49, 5001, undefined]) {
      const answer = await shopper.payLink(link.slug, { phone: PHONES.pays, amount });
      expect([answer.status, answer.data.error.code, answer.data.error.details.fields[0].field]).toEqual([
        400,
        'validation_failed',
        'amount',
      ]);
    }
    const ok = paid(await shopper.payLink(link.slug, { phone: PHONES.pays, amount: 75 }));
    expect(ok.session.amount).toBe(75);
  });

  it("when an open link is paid above the deployment's AMOUNT_MAX, then it is refused", async () => {
    const link = await createLink(merchant, { title: 'Anything' });
    const answer = await shopper.payLink(link.slug, { phone: PHONES.pays, amount: 250_001 });
    expect(answer.data.error.message).toBe('amount: must be from KES 1 to KES 250000');
  });

  it("when the link asks for the reference, then the customer must type one and it is the payment's reference", async () => {
    const link = await createLink(merchant, { title: 'Rent', amount: 100, referenceLabel: 'House number' });
    expect((await shopper.link(link.slug)).data.link.reference).toEqual({
      type: 'customer',
      label: 'House number',
    });
    const missing = await shopper.payLink(link.slug, { phone: PHONES.pays });
    expect(missing.data.error.details.fields[0].field).toBe('reference');
    const tooLong = await shopper.payLink(link.slug, { phone: PHONES.pays, reference: 'A'.repeat(13) });
    expect(tooLong.data.error.details.fields[0].field).toBe('reference');
    const ok = paid(await shopper.payLink(link.slug, { phone: PHONES.pays, reference: 'B12' }));
    expect(ok.session.accountReference).toBe('B12');
  });

  it('when a single-use link has a prompt on a phone, then a second customer is refused; once paid it stays used up', async () => {
    const link = await createLink(merchant, { title: 'One ticket', amount: 30, maxUses: 1 });
    const first = paid(await shopper.payLink(link.slug, { phone: PHONES.silent }));
    const whilePending = await shopper.payLink(link.slug, { phone: PHONES.pays });
    expect([whilePending.status, whilePending.data.error.code]).toEqual([410, 'payment_link_used_up']);
    expect((await shopper.link(link.slug)).data.link.state).toBe('active');

    // The silent prompt ends unanswered (the customer walked away): the use is free again.
    await settleAs(first, 'cancelled');
    const second = paid(await shopper.payLink(link.slug, { phone: PHONES.pays }));
    await sessionReaches(shopper, second, 'paid');
    expect((await shopper.link(link.slug)).data.link.state).toBe('used_up');
    const after = await shopper.payLink(link.slug, { phone: PHONES.pays });
    expect([after.status, after.data.error.code]).toEqual([410, 'payment_link_used_up']);
  });

  it('when two customers press Pay on a single-use link at once, then exactly one prompt is sent', async () => {
    const link = await createLink(merchant, { title: 'Last seat', amount: 30, maxUses: 1 });
    const answers = await Promise.all(
      ['0712345678', '0722000001', '0722000002', '0722000003'].map((phone) =>
        shopper.payLink(link.slug, { phone }),
      ),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 410, 410, 410]);
  });

  it('when a link has expired, then its page says so and payment is refused with payment_link_expired', async () => {
    const link = await createLink(merchant, { title: 'Early bird', amount: 10, expiresAt: future(60_000) });
    const db = server.database();
    await db.run(
      db.qb
        .updateTable('PaymentLink')
        .set({ expiresAt: new Date(Date.now() - 1000) })
        .where('id', '=', link.id),
    );
    expect((await shopper.link(link.slug)).data.link.state).toBe('expired');
    const answer = await shopper.payLink(link.slug, { phone: PHONES.pays });
    expect([answer.status, answer.data.error.code]).toEqual([410, 'payment_link_expired']);
  });

  it('when the slug is unknown, then 404 payment_link_not_found; a malformed one is a validation error', async () => {
    const unknown = await shopper.link('no-such-link');
    expect([unknown.status, unknown.data.error.code]).toEqual([404, 'payment_link_not_found']);
    const malformed = await shopper.link('Not_A_Slug');
    expect(malformed.status).toBe(400);
  });

  it('when a customer tries again after cancelling, then the same session (and reference) sends a new prompt', async () => {
    const link = await createLink(merchant, { title: 'Retry', amount: 40, referenceTemplate: 'R-{n}' });
    const first = paid(await shopper.payLink(link.slug, { phone: PHONES.cancels }));
    const cancelled = await eventually(
      () => shopper.session(first.session.id, first.sessionClientSecret),
      (answer) => answer.data.session.payment?.transaction.status === 'cancelled',
      10_000,
    );
    expect(cancelled.data.session.state).toBe('open');
    const retry = paid(await shopper.paySession(first.session.id, first.sessionClientSecret, PHONES.pays));
    expect(retry.session.accountReference).toBe(first.session.accountReference);
    const done = await sessionReaches(shopper, retry, 'paid');
    expect(done.payment!.transaction.id).not.toBe(first.session.payment!.transaction.id);
    const again = await shopper.paySession(first.session.id, first.sessionClientSecret, PHONES.pays);
    expect([again.status, again.data.error.code]).toEqual([409, 'checkout_session_paid']);
  });

  it('when a link is made with live keys on a simulator deployment, then paying it never reaches a simulator or sandbox', async () => {
    const project = await createProject(server.url, server.adminToken, 'Live shop');
    const keys = await liveKeys(project.projectId);
    const live = merchantClient(server.url, { projectId: project.projectId, ...keys });
    const link = await createLink(live, { title: 'Live', amount: 10 });
    expect(link.mode).toBe('live');
    expect((await shopper.link(link.slug)).data.link.mode).toBe('live');
    const answer = await shopper.payLink(link.slug, { phone: PHONES.pays });
    expect([answer.status, answer.data.error.code]).toEqual([409, 'mpesa_account_missing']);
  });
});

async function settleAs(pay: { session: { id: string } }, _status: 'cancelled') {
  const db = server.database();
  const payment = await db.first(
    db.qb
      .selectFrom('Transaction')
      .innerJoin('CheckoutAttempt', 'CheckoutAttempt.id', 'Transaction.idempotencyKey')
      .select(['Transaction.id', 'Transaction.checkoutRequestId'])
      .where('CheckoutAttempt.sessionId', '=', pay.session.id),
  );
  const { postCallback, failureCallback } = await import('../helpers/callbacks');
  const answer = await postCallback(
    server.url,
    server.callbackPath(payment!.id),
    failureCallback(payment!.checkoutRequestId!, 1032, 'Request cancelled by user'),
  );
  expect(answer.status).toBe(200);
}

async function liveKeys(projectId: string): Promise<{ publicKey: string; secretKey: string }> {
  const axios = (await import('axios')).default;
  const rotated = await axios.post(
    `${server.url}/api/v1/projects/${projectId}/keys/rotate`,
    { mode: 'live' },
    { headers: { Authorization: `Bearer ${server.adminToken}` } },
  );
  return { publicKey: rotated.data.publicKey, secretKey: rotated.data.secretKey };
}
