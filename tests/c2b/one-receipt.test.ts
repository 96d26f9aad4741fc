// One receipt, one payment (issue 19 item 3): an STK payment to a PayBill that also produces a
// C2B confirmation with the same receipt is recorded once, whichever arrives first; and a C2B
// payment whose bill reference names an open payment request of the project on that account
// (an STK Push that failed to prompt, paid "by PayBill instead") settles that request instead
// of standing alone. Over real HTTP, SQLite or PostgreSQL.
import axios from 'axios';
import { startTestServer, type TestServer } from '../helpers/server';
import {
  c2bBody,
  c2bShop,
  newReceipt,
  postC2b,
  startC2bDaraja,
  type C2bDaraja,
  type C2bShop,
} from '../helpers/c2b';
import { failureCallback, postCallback, successCallback } from '../helpers/callbacks';
import { initiateBody } from '../helpers/merchant';
import { callbackRecords, statusChanges, storedTransaction } from '../helpers/rows';

const SAFARICOM = { 'X-Forwarded-For': '196.201.214.200' };

let server: TestServer;
let daraja: C2bDaraja;
let shop: C2bShop;

beforeAll(async () => {
  daraja = await startC2bDaraja(['600970', '600971', '600972']);
  server = await startTestServer({
    MPESA_SANDBOX_BASE_URL: daraja.url,
    TRUST_PROXY: '1',
    CALLBACK_ALLOWED_IPS: '196.201.214.200',
  });
  shop = await c2bShop(server, daraja, { shortcode: '600970' });
});
afterAll(async () => {
  await server.close();
  await daraja.close();
});

interface Payment {
  id: string;
  amount: number;
  checkoutRequestId: string;
  accountReference: string;
}

/** A prompt to the shop's PayBill: Daraja accepts it, and its callback is the test's to send. */
async function request(reference: string, amount = 250, on: C2bShop = shop): Promise<Payment> {
  const started = await on.merchant({
    method: 'POST',
    path: '/api/v1/transactions/initiate',
    body: initiateBody({ amount, accountReference: reference, account: on.accountId }),
  });
  expect(started.status).toBe(201);
  return started.data.transaction as Payment;
}

const get = async (id: string, on: C2bShop = shop) =>
  (await on.merchant({ method: 'GET', path: `/api/v1/transactions/${id}` })).data.transaction as Record<
    string,
    any
  >;
const withReceipt = async (receipt: string) =>
  (await shop.merchant({ method: 'GET', path: `/api/v1/transactions?receipt=${receipt}` })).data
    .data as Array<Record<string, any>>;
const eventTypes = async (id: string) =>
  (await shop.merchant({ method: 'GET', path: `/api/v1/events?transactionId=${id}` })).data.data
    .map((event: { type: string }) => event.type)
    .reverse();

const stkPaid = (payment: Payment, receipt: string) =>
  postCallback(
    server.url,
    server.callbackPath(payment.id),
    successCallback(payment.checkoutRequestId, payment.amount, receipt),
    SAFARICOM,
  );

describe('an STK payment to a PayBill that Safaricom also confirms by C2B', () => {
  it('when the C2B confirmation comes first, then it settles the pending request, and the STK callback after it adds nothing: one payment', async () => {
    const payment = await request('INV-C2B-1');
    const receipt = newReceipt();
    const confirmed = await postC2b(
      shop.confirmationUrl,
      c2bBody({
        TransID: receipt,
        TransAmount: '250.00',
        BillRefNumber: 'INV-C2B-1',
        MSISDN: '254712345678',
      }),
      SAFARICOM,
    );
    expect(confirmed.status).toBe(200);
    expect(await get(payment.id)).toMatchObject({
      status: 'completed',
      origin: 'stk_push',
      mpesaReceiptNumber: receipt,
      amountPaid: 250,
      amountVerified: true,
      c2b: { billReference: 'INV-C2B-1', msisdnForm: 'clear' },
    });

    expect((await stkPaid(payment, receipt)).status).toBe(200);
    const payments = await withReceipt(receipt);
    expect(payments.map((found) => found.id)).toEqual([payment.id]);
    const outcomes = (await callbackRecords(server.database(), { transactionId: payment.id })).map(
      (record) => `${record.kind}:${record.outcome}`,
    );
    expect(outcomes).toEqual(['c2b_confirmation:applied', 'stk:duplicate']);
    expect(await eventTypes(payment.id)).toEqual(['transaction.completed']);
    const sources = (await statusChanges(server.database(), payment.id)).map((change) => change.source);
    expect(sources).toEqual(['initiate', 'c2b']);
  });

  it('when the STK callback comes first, then the C2B confirmation of the same receipt adds its details to that payment: one payment', async () => {
    const payment = await request('INV-C2B-2');
    const receipt = newReceipt();
    expect((await stkPaid(payment, receipt)).status).toBe(200);
    // The bill reference may say anything: the receipt decides.
    await postC2b(
      shop.confirmationUrl,
      c2bBody({ TransID: receipt, TransAmount: '250.00', BillRefNumber: 'SOMETHING ELSE' }),
      SAFARICOM,
    );
    // Twice: the second changes nothing.
    await postC2b(shop.confirmationUrl, c2bBody({ TransID: receipt, TransAmount: '250.00' }), SAFARICOM);

    const payments = await withReceipt(receipt);
    expect(payments.map((found) => found.id)).toEqual([payment.id]);
    expect(payments[0]).toMatchObject({
      status: 'completed',
      origin: 'stk_push',
      c2b: { firstName: 'NICHOLAS', orgAccountBalance: '25.00' },
    });
    const outcomes = (await callbackRecords(server.database(), { transactionId: payment.id })).map(
      (record) => `${record.kind}:${record.outcome}`,
    );
    expect(outcomes).toEqual(['stk:applied', 'c2b_confirmation:enriched', 'c2b_confirmation:duplicate']);
    expect(await eventTypes(payment.id)).toEqual(['transaction.completed', 'transaction.updated']);
  });
});

describe('a receipt a walk-in payment already holds, reported again by a request of the project', () => {
  it('when an unmatched C2B confirmation came first and the STK callback of a request brings the same receipt, then the request is linked to that payment, never completed with the money a second time', async () => {
    const payment = await request('INV-LATE-1', 300);
    const receipt = newReceipt();
    // The bill reference names no open request (Safaricom shortened it, or the customer typed
    // another): a walk-in payment.
    await postC2b(
      shop.confirmationUrl,
      c2bBody({ TransID: receipt, TransAmount: '300.00', BillRefNumber: 'INV-LATE' }),
      SAFARICOM,
    );
    const [walkIn] = await withReceipt(receipt);
    expect(walkIn).toMatchObject({ origin: 'c2b', status: 'completed', amount: 300 });

    expect((await stkPaid(payment, receipt)).status).toBe(200);
    expect((await withReceipt(receipt)).map((found) => found.id)).toEqual([walkIn!.id]);
    expect(await get(payment.id)).toMatchObject({
      status: 'pending',
      paidAs: walkIn!.id,
      mpesaReceiptNumber: null,
      amountPaid: null,
    });
    expect(await get(walkIn!.id)).toMatchObject({ status: 'completed', paidAs: null });
    // Nothing is asked about it any more: its money is known.
    expect((await storedTransaction(server.database(), payment.id))!.reconcileAt).toBeNull();

    // The same callback again (Safaricom's retry, another instance): nothing new.
    expect((await stkPaid(payment, receipt)).status).toBe(200);
    const outcomes = (await callbackRecords(server.database(), { transactionId: payment.id })).map(
      (record) => `${record.kind}:${record.outcome}`,
    );
    expect(outcomes).toEqual(['stk:enriched', 'stk:duplicate']);
    expect(await eventTypes(payment.id)).toEqual(['transaction.updated']);
    expect(await eventTypes(walkIn!.id)).toEqual(['transaction.received']);
    const changes = await statusChanges(server.database(), payment.id);
    expect(changes.map((change) => `${change.fromStatus}->${change.toStatus}:${change.source}`)).toEqual([
      'null->pending:initiate',
      'pending->pending:callback',
    ]);
    expect(changes[1]!.resultDesc).toContain(walkIn!.id);
  });

  it('when the request had failed before the same receipt came, then it stays failed and is linked: no state moves backward, none twice', async () => {
    const payment = await request('INV-LATE-2', 90);
    await postCallback(
      server.url,
      server.callbackPath(payment.id),
      failureCallback(payment.checkoutRequestId, 1037, 'DS timeout user cannot be reached'),
      SAFARICOM,
    );
    const receipt = newReceipt();
    await postC2b(
      shop.confirmationUrl,
      c2bBody({ TransID: receipt, TransAmount: '90', BillRefNumber: 'NOT-THE-INVOICE' }),
      SAFARICOM,
    );
    const [walkIn] = await withReceipt(receipt);
    await stkPaid(payment, receipt);
    expect(await get(payment.id)).toMatchObject({ status: 'failed', paidAs: walkIn!.id });
    expect((await withReceipt(receipt)).map((found) => found.id)).toEqual([walkIn!.id]);
  });
});

describe('Pull Transactions rows whose receipt an STK payment already holds', () => {
  it('when a request was settled by its STK callback and a pull then lists the same receipt, then the pull leaves it as it is: no second payment', async () => {
    const pulling = await c2bShop(server, daraja, { shortcode: '600972' });
    const on = await pulling.merchant({
      method: 'PUT',
      path: `/api/v1/mpesa-accounts/${pulling.accountId}/c2b/pull`,
      body: { enabled: true, nominatedNumber: '0722000000' },
    });
    expect(on.status).toBe(200);
    const payment = await request('INV-PULLED', 60, pulling);
    // The customer pays the prompt: M-Pesa books it on the PayBill (what Pull answers); its
    // C2B confirmation never arrives, its STK callback does.
    const paid = await axios.post(`${daraja.url}/__simulator/c2b/payments`, {
      shortCode: '600972',
      amount: 60,
      msisdn: '254712345678',
      billRefNumber: 'INV-PULLED',
      consumerKey: daraja.app.consumerKey,
      loseConfirmation: true,
    });
    const receipt = paid.data.transId as string;
    await postCallback(
      server.url,
      server.callbackPath(payment.id),
      successCallback(payment.checkoutRequestId, 60, receipt),
      SAFARICOM,
    );
    expect(await get(payment.id, pulling)).toMatchObject({
      status: 'completed',
      mpesaReceiptNumber: receipt,
    });

    const pulled = await pulling.merchant({
      method: 'POST',
      path: `/api/v1/mpesa-accounts/${pulling.accountId}/c2b/pull/runs`,
    });
    expect(pulled.status).toBe(200);
    expect(pulled.data.pull).toMatchObject({ rows: 1, filled: 0, alreadyHeld: 1 });
    const found = (await pulling.merchant({ method: 'GET', path: `/api/v1/transactions?receipt=${receipt}` }))
      .data.data as Array<Record<string, any>>;
    expect(found.map((one) => one.id)).toEqual([payment.id]);
    expect(found[0]).toMatchObject({ origin: 'stk_push', c2b: null });
    const events = (
      await pulling.merchant({ method: 'GET', path: `/api/v1/events?transactionId=${payment.id}` })
    ).data.data.map((event: { type: string }) => event.type);
    expect(events).toEqual(['transaction.completed']);
  });
});

describe('a C2B payment whose bill reference names an open request', () => {
  it('when the prompt failed (1025) and the customer paid by PayBill with that reference, then the request completes, typed in any case', async () => {
    const payment = await request('INV-FB-3', 120);
    await postCallback(
      server.url,
      server.callbackPath(payment.id),
      failureCallback(payment.checkoutRequestId, 1025, 'Unable to push request'),
      SAFARICOM,
    );
    expect((await get(payment.id)).status).toBe('failed');

    const receipt = newReceipt();
    await postC2b(
      shop.confirmationUrl,
      c2bBody({ TransID: receipt, TransAmount: '120', BillRefNumber: ' inv-fb-3 ' }),
      SAFARICOM,
    );
    expect(await get(payment.id)).toMatchObject({
      status: 'completed',
      failure: null,
      mpesaReceiptNumber: receipt,
      amountPaid: 120,
    });
    expect(await withReceipt(receipt)).toHaveLength(1);
    expect(await eventTypes(payment.id)).toEqual(['transaction.failed', 'transaction.completed']);
  });

  it('when two requests share the reference, then the one asking that amount is settled, and the other stays open', async () => {
    const small = await request('INV-TWO', 100);
    const large = await request('INV-TWO', 300);
    const receipt = newReceipt();
    await postC2b(
      shop.confirmationUrl,
      c2bBody({ TransID: receipt, TransAmount: '100.00', BillRefNumber: 'INV-TWO' }),
      SAFARICOM,
    );
    expect((await get(small.id)).status).toBe('completed');
    expect((await get(large.id)).status).toBe('pending');
  });

  it('when the paid amount differs from the request, then the request still completes, flagged as a mismatch', async () => {
    const payment = await request('INV-LESS', 500);
    const receipt = newReceipt();
    await postC2b(
      shop.confirmationUrl,
      c2bBody({ TransID: receipt, TransAmount: '450', BillRefNumber: 'INV-LESS' }),
      SAFARICOM,
    );
    expect(await get(payment.id)).toMatchObject({
      status: 'completed',
      amountPaid: 450,
      amountMismatch: true,
    });
  });

  it("when the reference names another account's request, then it is not settled: the payment stands alone", async () => {
    const other = await c2bShop(server, daraja, { shortcode: '600971' });
    const elsewhere = await request('INV-ELSE', 80, other);
    const receipt = newReceipt();
    await postC2b(
      shop.confirmationUrl,
      c2bBody({ TransID: receipt, TransAmount: '80', BillRefNumber: 'INV-ELSE' }),
      SAFARICOM,
    );
    expect((await get(elsewhere.id, other)).status).toBe('pending');
    const [walkIn] = await withReceipt(receipt);
    expect(walkIn).toMatchObject({ origin: 'c2b', accountReference: 'INV-ELSE', accountId: shop.accountId });
  });
});
