// C2B confirmations at /api/v1/callbacks/c2b/<account>/<token>/confirmation (issue 19 item 2):
// stored byte-exact before the acknowledgement, then a payment on the ledger (channel, receipt,
// exact amount, payer, MSISDN as it came, org balance, time in EAT), an event delivered as a
// signed webhook and on the project stream; refused inputs stored with their reason, never a
// payment. Over real HTTP to the real service, on SQLite or PostgreSQL (TEST_DATABASE_URL).
import { Webhook } from 'standardwebhooks';
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
import { webhookReceivers } from '../helpers/webhook-receiver';
import { connectProjectStream } from '../helpers/project-stream';
import { eventually } from '../helpers/realtime';
import { expectError } from '../helpers/http-edges';
import type { Database } from '../../src/db/database';

const SAFARICOM = { 'X-Forwarded-For': '196.201.214.200' };
const ACKNOWLEDGED = { ResultCode: '0', ResultDesc: 'Accepted' };

let server: TestServer;
let daraja: C2bDaraja;
const logLines: string[] = [];
const receivers = webhookReceivers();

beforeAll(async () => {
  daraja = await startC2bDaraja(['600966', '600967', '600968', '600969']);
  server = await startTestServer(
    {
      MPESA_SANDBOX_BASE_URL: daraja.url,
      // Safaricom's address, believed through one proxy (the test), as a deployment behind one.
      TRUST_PROXY: '1',
      CALLBACK_ALLOWED_IPS: '196.201.214.200',
      WEBHOOK_POLL_INTERVAL_MS: '50',
    },
    { logLines },
  );
});
afterAll(async () => {
  await server.close();
  await daraja.close();
  await receivers.closeAll();
});

const records = (db: Database, kind = 'c2b_confirmation') =>
  db.all(db.qb.selectFrom('CallbackRecord').selectAll().where('kind', '=', kind).orderBy('id'));

async function paymentsWithReceipt(shop: C2bShop, receipt: string) {
  const page = await shop.merchant({ method: 'GET', path: `/api/v1/transactions?receipt=${receipt}` });
  expect(page.status).toBe(200);
  return page.data.data as Array<Record<string, any>>;
}

describe('POST /api/v1/callbacks/c2b/:account/:token/confirmation', () => {
  let shop: C2bShop;
  beforeAll(async () => {
    shop = await c2bShop(server, daraja, { shortcode: '600966' });
  });

  it('when Safaricom confirms a walk-in payment, then it is stored byte-exact, acknowledged, and becomes a completed c2b payment, a signed webhook and a stream event', async () => {
    const receiver = await receivers.start();
    const endpoint = await shop.merchant({
      method: 'POST',
      path: '/api/v1/webhook-endpoints',
      body: { url: receiver.url, eventTypes: ['transaction.received'] },
    });
    expect(endpoint.status).toBe(201);
    const stream = await connectProjectStream(server.url, shop.keys);
    const receipt = newReceipt();
    // Odd spacing and key order on purpose: what is stored is these bytes, not a re-encoding.
    const raw = JSON.stringify(c2bBody({ TransID: receipt, BillRefNumber: 'WALKIN 7' }), null, 1);

    const answer = await postC2b(shop.confirmationUrl, raw, SAFARICOM);
    expect(answer.status).toBe(200);
    expect(answer.data).toEqual(ACKNOWLEDGED);

    // Acknowledged means stored: the record is there, as sent, the moment the answer is.
    const stored = (await records(server.database())).filter((record) => record.outcome === 'received');
    expect(stored).toHaveLength(1);
    expect(Buffer.compare(stored[0]!.rawBody, Buffer.from(raw))).toBe(0);
    expect(stored[0]).toMatchObject({ accountId: shop.accountId, sourceIp: '196.201.214.200' });

    const [payment] = await paymentsWithReceipt(shop, receipt);
    expect(payment).toMatchObject({
      status: 'completed',
      origin: 'c2b',
      channel: 'paybill',
      accountId: shop.accountId,
      amount: 5,
      amountPaid: 5,
      amountVerified: true,
      mpesaReceiptNumber: receipt,
      accountReference: 'WALKIN 7',
      phone: '2547 ***** 126',
      paidAt: '2023-11-21T12:13:25+03:00',
      c2b: {
        transactionType: 'Pay Bill',
        businessShortCode: '600966',
        billReference: 'WALKIN 7',
        invoiceNumber: null,
        msisdn: '2547 ***** 126',
        msisdnForm: 'masked',
        firstName: 'NICHOLAS',
        middleName: null,
        lastName: null,
        orgAccountBalance: '25.00',
        amountReported: '5.00',
        amountWholeKes: true,
      },
    });
    expect(stored[0]!.transactionId).toBe(payment!.id);

    const [delivered] = (await receiver.waitForAccepted(1)).values();
    const { secret } = endpoint.data as { secret: string };
    const verified = new Webhook(secret).verify(delivered!.body, delivered!.headers) as Record<string, any>;
    expect(verified).toMatchObject({
      type: 'transaction.received',
      data: { transaction: { id: payment!.id, origin: 'c2b', mpesaReceiptNumber: receipt } },
    });

    const event = await stream.waitFor(
      (message) => message.kind === 'event' && message.body.type === 'transaction.received',
      'transaction.received on the project stream',
    );
    expect(event.body.transactionId).toBe(payment!.id);
    const seen = await stream.waitFor(
      (message) => message.kind === 'transaction' && message.body.transaction.id === payment!.id,
      'the payment on the project stream',
    );
    expect(seen.body.transaction.status).toBe('completed');
    stream.close();
  });

  it('when the same confirmation arrives twice, even at once, then one payment holds the receipt and the repeats are recorded as duplicates', async () => {
    const receipt = newReceipt();
    const body = c2bBody({ TransID: receipt, TransAmount: '10' });
    const answers = await Promise.all([1, 2, 3].map(() => postC2b(shop.confirmationUrl, body, SAFARICOM)));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    await postC2b(shop.confirmationUrl, body, SAFARICOM);

    const payments = await paymentsWithReceipt(shop, receipt);
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({ amount: 10, amountPaid: 10 });
    const outcomes = (await records(server.database()))
      .filter((record) => record.transactionId === payments[0]!.id)
      .map((record) => record.outcome)
      .sort();
    expect(outcomes).toEqual(['duplicate', 'duplicate', 'duplicate', 'received']);
    const events = await shop.merchant({
      method: 'GET',
      path: `/api/v1/events?transactionId=${payments[0]!.id}`,
    });
    expect(events.data.data.map((event: { type: string }) => event.type)).toEqual(['transaction.received']);
  });

  it('when the amount is "10.50", then it is kept exactly and flagged, never rounded into an exact amount', async () => {
    const receipt = newReceipt();
    expect(
      (await postC2b(shop.confirmationUrl, c2bBody({ TransID: receipt, TransAmount: '10.50' }), SAFARICOM))
        .status,
    ).toBe(200);
    const [payment] = await paymentsWithReceipt(shop, receipt);
    expect(payment).toMatchObject({
      amount: 10,
      amountPaid: null,
      amountVerified: false,
      c2b: { amountReported: '10.50', amountWholeKes: false },
    });
  });

  it('when the MSISDN comes hashed (v1) or clear, then it is kept in that form, and the clear one is masked in the logs', async () => {
    const hashed = newReceipt();
    const hash = 'b1d5aa16f8c3bcd5fb7c4cc0a1b4a5b8e4a6f3e0b18d2c4d1e5a8b7f6c9d0e1a';
    await postC2b(shop.confirmationUrl, c2bBody({ TransID: hashed, MSISDN: hash }), SAFARICOM);
    const [first] = await paymentsWithReceipt(shop, hashed);
    expect(first).toMatchObject({ phone: hash, c2b: { msisdn: hash, msisdnForm: 'hashed' } });

    const clear = newReceipt();
    await postC2b(shop.confirmationUrl, c2bBody({ TransID: clear, MSISDN: 254712345678 }), SAFARICOM);
    const [second] = await paymentsWithReceipt(shop, clear);
    expect(second).toMatchObject({ phone: '254712345678', c2b: { msisdnForm: 'clear' } });
    expect(logLines.join('\n')).not.toContain('254712345678');
    // The URL's token never reaches a log line either.
    const token = shop.confirmationUrl.split('/').at(-2)!;
    expect(logLines.join('\n')).not.toContain(token);
  });

  it('when a till is paid (Buy Goods), then the payment is on channel till', async () => {
    const till = await c2bShop(server, daraja, { shortcode: '600967', tillNumber: '5566771' });
    const receipt = newReceipt();
    await postC2b(
      till.confirmationUrl,
      c2bBody({
        TransID: receipt,
        TransactionType: 'Buy Goods',
        BusinessShortCode: '5566771',
        BillRefNumber: '',
      }),
      SAFARICOM,
    );
    const [payment] = await paymentsWithReceipt(till, receipt);
    expect(payment).toMatchObject({ channel: 'till', accountReference: '', c2b: { billReference: null } });
  });
});

describe('when a confirmation cannot become a payment', () => {
  let shop: C2bShop;
  beforeAll(async () => {
    shop = await c2bShop(server, daraja, { shortcode: '600968' });
  });

  const refusedRecords = async () =>
    (await records(server.database())).filter((record) => record.outcome === 'refused');

  it('then a body that is not a confirmation is acknowledged, stored as refused with its reason, and makes no payment', async () => {
    const before = (await refusedRecords()).length;
    const cases: Array<[string | Record<string, unknown>, string]> = [
      ['{"TransID": "RKL51ZD', 'malformed_body'],
      [c2bBody({ TransID: undefined }), 'missing_trans_id'],
      [c2bBody({ TransID: newReceipt(), TransAmount: '0x0A' }), 'bad_amount'],
      [c2bBody({ TransID: newReceipt(), TransAmount: true }), 'bad_amount'],
    ];
    for (const [body, _reason] of cases) {
      const answer = await postC2b(shop.confirmationUrl, body, SAFARICOM);
      expect(answer.status).toBe(200);
      expect(answer.data).toEqual(ACKNOWLEDGED);
    }
    const refused = (await refusedRecords()).slice(before);
    expect(refused.map((record) => record.reason)).toEqual(cases.map(([, reason]) => reason));
    expect(
      refused.every((record) => record.transactionId === null && record.accountId === shop.accountId),
    ).toBe(true);
    expect(Buffer.from(refused[0]!.rawBody).toString()).toBe('{"TransID": "RKL51ZD');
  });

  it('then a wrong token is acknowledged and stored as refused (unknown_account), naming no account', async () => {
    const receipt = newReceipt();
    const wrong = shop.confirmationUrl.replace(/\/[^/]+\/confirmation$/, '/not-the-token/confirmation');
    expect((await postC2b(wrong, c2bBody({ TransID: receipt }), SAFARICOM)).data).toEqual(ACKNOWLEDGED);
    const [record] = (await refusedRecords()).slice(-1);
    expect(record).toMatchObject({ reason: 'unknown_account', accountId: null });
    expect(await paymentsWithReceipt(shop, receipt)).toEqual([]);
  });

  it('then a source off the allowlist is answered 403 and stored as refused when the token vouches for the account', async () => {
    const receipt = newReceipt();
    const answer = await postC2b(shop.confirmationUrl, c2bBody({ TransID: receipt }), {
      'X-Forwarded-For': '203.0.113.9',
    });
    expectError(answer, 403, 'callback_source_forbidden');
    const [record] = (await refusedRecords()).slice(-1);
    expect(record).toMatchObject({
      reason: 'source_not_allowed',
      accountId: shop.accountId,
      sourceIp: '203.0.113.9',
    });
    expect(await paymentsWithReceipt(shop, receipt)).toEqual([]);

    // Without a token that vouches, nothing is kept: anyone could otherwise fill the database.
    const count = (await records(server.database())).length;
    const stranger = shop.confirmationUrl.replace(/\/[^/]+\/confirmation$/, '/guess/confirmation');
    expectError(
      await postC2b(stranger, c2bBody(), { 'X-Forwarded-For': '203.0.113.9' }),
      403,
      'callback_source_forbidden',
    );
    expect((await records(server.database())).length).toBe(count);
  });

  it('then, once C2B is switched off, a confirmation is acknowledged and stored as refused (c2b_disabled)', async () => {
    const off = await c2bShop(server, daraja, { shortcode: '600969' });
    const disabled = await off.merchant({
      method: 'DELETE',
      path: `/api/v1/mpesa-accounts/${off.accountId}/c2b`,
    });
    expect(disabled.status).toBe(200);
    expect(disabled.data.c2b.enabled).toBe(false);
    const receipt = newReceipt();
    expect((await postC2b(off.confirmationUrl, c2bBody({ TransID: receipt }), SAFARICOM)).status).toBe(200);
    const [record] = (await refusedRecords()).slice(-1);
    expect(record).toMatchObject({ reason: 'c2b_disabled', accountId: off.accountId });
    expect(await paymentsWithReceipt(off, receipt)).toEqual([]);
  });

  it('then, once the account is deleted, a confirmation is acknowledged and stored as refused (account_deleted)', async () => {
    const gone = await c2bShop(server, daraja, { shortcode: '600969' });
    expect(
      (await gone.merchant({ method: 'DELETE', path: `/api/v1/mpesa-accounts/${gone.accountId}` })).status,
    ).toBe(204);
    const receipt = newReceipt();
    expect((await postC2b(gone.confirmationUrl, c2bBody({ TransID: receipt }), SAFARICOM)).status).toBe(200);
    const [record] = (await refusedRecords()).slice(-1);
    expect(record).toMatchObject({ reason: 'account_deleted', accountId: gone.accountId });
    expect(await paymentsWithReceipt(gone, receipt)).toEqual([]);
  });

  it('then the sweep never applies a refused record (it was judged when it came)', async () => {
    const unprocessed = await eventually(
      () =>
        server
          .database()
          .all(
            server
              .database()
              .qb.selectFrom('CallbackRecord')
              .select('id')
              .where('kind', '=', 'c2b_confirmation')
              .where('processedAt', 'is', null),
          ),
      (rows) => rows.length === 0,
    );
    expect(unprocessed).toEqual([]);
  });
});
