// C2B validation (issue 19 item 4): per-account rules answered locally (bill references, amount
// bounds, the account's own shortcode), then the merchant's own endpoint called synchronously,
// signed like webhooks, under a hard deadline; on a timeout or error the account's
// ResponseType decides; every decision is stored with its reason; rejections use C2B00011–16
// and ThirdPartyTransID goes back. Over real HTTP, SQLite or PostgreSQL.
import express from 'express';
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
import { listenOnLoopback } from '../helpers/fake-daraja';

const DEADLINE_MS = 400;

let server: TestServer;
let daraja: C2bDaraja;

interface MerchantEndpoint {
  url: string;
  calls: Array<{ headers: Record<string, string>; body: string }>;
  answer: (body: string) => Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

let merchantEndpoint: MerchantEndpoint;

beforeAll(async () => {
  daraja = await startC2bDaraja(['601000', '601001', '601002', '601003', '601004']);
  server = await startTestServer({
    MPESA_SANDBOX_BASE_URL: daraja.url,
    C2B_VALIDATION_TIMEOUT_MS: String(DEADLINE_MS),
  });
  const calls: MerchantEndpoint['calls'] = [];
  const web = express();
  const endpoint: Pick<MerchantEndpoint, 'calls' | 'answer'> = {
    calls,
    answer: async () => ({ status: 200, body: { ResultCode: '0', ResultDesc: 'Accepted' } }),
  };
  web.post('/validate', express.text({ type: '*/*' }), async (req, res) => {
    calls.push({ headers: req.headers as Record<string, string>, body: req.body as string });
    const { status, body } = await endpoint.answer(req.body as string);
    res.status(status).json(body);
  });
  const listening = await listenOnLoopback(web);
  merchantEndpoint = Object.assign(endpoint, { url: `${listening.url}/validate`, close: listening.close });
});
afterAll(async () => {
  await server.close();
  await daraja.close();
  await merchantEndpoint.close();
});

const decisions = () =>
  server
    .database()
    .all(
      server
        .database()
        .qb.selectFrom('CallbackRecord')
        .select(['id', 'outcome', 'reason', 'accountId', 'rawBody'])
        .where('kind', '=', 'c2b_validation')
        .orderBy('id'),
    );
const lastDecision = async () => (await decisions()).at(-1)!;

describe('POST /api/v1/callbacks/c2b/:account/:token/validation, by the account’s rules', () => {
  let shop: C2bShop;
  beforeAll(async () => {
    shop = await c2bShop(server, daraja, {
      shortcode: '601000',
      c2b: {
        version: 'v2',
        validation: { billReferences: ['HOUSE-1', 'HOUSE-2'], minAmount: 10, maxAmount: 1000 },
      },
    });
  });

  it('when the bill reference is on the list (any case) and the amount within bounds, then it is accepted with a ThirdPartyTransID, and the decision is stored', async () => {
    const answer = await postC2b(
      shop.validationUrl,
      c2bBody({
        TransID: newReceipt(),
        TransAmount: '50.00',
        BillRefNumber: 'house-1',
        BusinessShortCode: '601000',
      }),
    );
    expect(answer.status).toBe(200);
    const decision = await lastDecision();
    expect(answer.data).toEqual({ ResultCode: '0', ResultDesc: 'Accepted', ThirdPartyTransID: decision.id });
    expect(decision).toMatchObject({
      outcome: 'accepted',
      reason: 'rules_passed',
      accountId: shop.accountId,
    });
  });

  it.each([
    [
      'a bill reference not on the list',
      { BillRefNumber: 'HOUSE-9' },
      'C2B00012',
      /not on the account's list/,
    ],
    ['an amount below the minimum', { TransAmount: '5.00' }, 'C2B00013', /below 10/],
    ['an amount above the maximum', { TransAmount: '1001' }, 'C2B00013', /above 1000/],
    ['an amount that is not whole shillings', { TransAmount: '10.50' }, 'C2B00013', /not whole/],
    ["another account's shortcode", { BusinessShortCode: '999999' }, 'C2B00015', /not this account's/],
  ])(
    'when it carries %s, then it is rejected with %s and the reason is stored',
    async (_what, change, code, reason) => {
      const body = c2bBody({
        TransID: newReceipt(),
        TransAmount: '50',
        BillRefNumber: 'HOUSE-2',
        BusinessShortCode: '601000',
        ...change,
      });
      const answer = await postC2b(shop.validationUrl, body);
      expect(answer.data).toMatchObject({ ResultCode: code, ResultDesc: 'Rejected' });
      const decision = await lastDecision();
      expect(decision.outcome).toBe(`rejected:${code}`);
      expect(decision.reason).toMatch(reason);
    },
  );

  it('when Safaricom sends a ThirdPartyTransID, then the same one goes back, accepted or rejected', async () => {
    const accepted = await postC2b(
      shop.validationUrl,
      c2bBody({
        TransID: newReceipt(),
        BillRefNumber: 'HOUSE-1',
        BusinessShortCode: '601000',
        TransAmount: '20',
        ThirdPartyTransID: 'tp-123',
      }),
    );
    expect(accepted.data).toEqual({ ResultCode: '0', ResultDesc: 'Accepted', ThirdPartyTransID: 'tp-123' });
    const rejected = await postC2b(
      shop.validationUrl,
      c2bBody({
        TransID: newReceipt(),
        BillRefNumber: 'NOPE',
        TransAmount: '20',
        BusinessShortCode: '601000',
        ThirdPartyTransID: 'tp-124',
      }),
    );
    expect(rejected.data).toEqual({
      ResultCode: 'C2B00012',
      ResultDesc: 'Rejected',
      ThirdPartyTransID: 'tp-124',
    });
  });

  it('when the pattern rule is set, then a reference must match it whole', async () => {
    const patterned = await c2bShop(server, daraja, {
      shortcode: '601001',
      c2b: { version: 'v2', validation: { billReferencePattern: 'INV-\\d{1,6}' } },
    });
    const ok = await postC2b(
      patterned.validationUrl,
      c2bBody({ TransID: newReceipt(), BillRefNumber: 'inv-42', BusinessShortCode: '601001' }),
    );
    expect(ok.data.ResultCode).toBe('0');
    const no = await postC2b(
      patterned.validationUrl,
      c2bBody({ TransID: newReceipt(), BillRefNumber: 'INV-42x', BusinessShortCode: '601001' }),
    );
    expect(no.data.ResultCode).toBe('C2B00012');
  });

  it('when the body is not a C2B body or the token is wrong, then C2B00016 (Other Error), stored with its reason', async () => {
    expect((await postC2b(shop.validationUrl, 'not json')).data.ResultCode).toBe('C2B00016');
    expect(await lastDecision()).toMatchObject({ outcome: 'rejected:C2B00016', reason: 'malformed_body' });
    const wrong = shop.validationUrl.replace(/\/[^/]+\/validation$/, '/guessed/validation');
    expect((await postC2b(wrong, c2bBody({ TransID: newReceipt() }))).data.ResultCode).toBe('C2B00016');
    expect(await lastDecision()).toMatchObject({ reason: 'unknown_account', accountId: null });
  });

  it('when the account has no validation rules, then every payment is accepted', async () => {
    const open = await c2bShop(server, daraja, { shortcode: '601002' });
    const answer = await postC2b(
      open.validationUrl,
      c2bBody({ TransID: newReceipt(), TransAmount: '10.50' }),
    );
    expect(answer.data.ResultCode).toBe('0');
    expect(await lastDecision()).toMatchObject({ outcome: 'accepted', reason: 'validation_off' });
  });
});

describe("validation by the merchant's own endpoint", () => {
  let completed: C2bShop;
  let cancelled: C2bShop;
  let secrets: { completed: string; cancelled: string };
  beforeAll(async () => {
    const setUp = async (shortcode: string, responseType: string) => {
      const shop = await c2bShop(server, daraja, {
        shortcode,
        c2b: { version: 'v2', responseType, validation: { minAmount: 1, url: merchantEndpoint.url } },
      });
      const shown = await shop.merchant({
        method: 'GET',
        path: `/api/v1/mpesa-accounts/${shop.accountId}/c2b`,
      });
      expect(shown.data.c2b.validation.url).toBe(merchantEndpoint.url);
      return shop;
    };
    completed = await setUp('601003', 'Completed');
    cancelled = await setUp('601004', 'Cancelled');
    // The secret is answered once, when the url is set: read it from a fresh switch-on.
    const again = async (shop: C2bShop, responseType: string) => {
      await shop.merchant({
        method: 'POST',
        path: `/api/v1/mpesa-accounts/${shop.accountId}/c2b`,
        body: { version: 'v2', responseType, validation: null },
      });
      const answer = await shop.merchant({
        method: 'POST',
        path: `/api/v1/mpesa-accounts/${shop.accountId}/c2b`,
        body: { version: 'v2', responseType, validation: { minAmount: 1, url: merchantEndpoint.url } },
      });
      shop.validationUrl = daraja.registrations.at(-1)!.body.ValidationURL;
      shop.confirmationUrl = daraja.registrations.at(-1)!.body.ConfirmationURL;
      return answer.data.validationSecret as string;
    };
    secrets = {
      completed: await again(completed, 'Completed'),
      cancelled: await again(cancelled, 'Cancelled'),
    };
    expect(secrets.completed).toMatch(/^whsec_/);
  });

  it("when the merchant accepts, then the payment is accepted, and the call it got is Safaricom's body signed like a webhook", async () => {
    merchantEndpoint.answer = async () => ({
      status: 200,
      body: { ResultCode: '0', ResultDesc: 'Accepted' },
    });
    const body = JSON.stringify(c2bBody({ TransID: newReceipt(), BusinessShortCode: '601003' }));
    const answer = await postC2b(completed.validationUrl, body);
    expect(answer.data.ResultCode).toBe('0');
    const call = merchantEndpoint.calls.at(-1)!;
    expect(call.body).toBe(body);
    expect(() => new Webhook(secrets.completed).verify(call.body, call.headers)).not.toThrow();
    expect(() => new Webhook(secrets.cancelled).verify(call.body, call.headers)).toThrow();
    expect(await lastDecision()).toMatchObject({ outcome: 'accepted', reason: 'merchant_accepted' });
  });

  it('when the merchant rejects with a Daraja code, then that code goes to Safaricom', async () => {
    merchantEndpoint.answer = async () => ({
      status: 200,
      body: { ResultCode: 'C2B00014', ResultDesc: 'Rejected' },
    });
    const answer = await postC2b(
      completed.validationUrl,
      c2bBody({ TransID: newReceipt(), BusinessShortCode: '601003' }),
    );
    expect(answer.data).toMatchObject({ ResultCode: 'C2B00014', ResultDesc: 'Rejected' });
    expect(await lastDecision()).toMatchObject({ outcome: 'rejected:C2B00014', reason: 'merchant_rejected' });
  });

  it('when the rules already refuse, then the merchant is not asked', async () => {
    const calls = merchantEndpoint.calls.length;
    const answer = await postC2b(
      completed.validationUrl,
      c2bBody({ TransID: newReceipt(), TransAmount: '0', BusinessShortCode: '601003' }),
    );
    expect(answer.data.ResultCode).toBe('C2B00013');
    expect(merchantEndpoint.calls.length).toBe(calls);
  });

  it('when the merchant does not answer within the deadline, then ResponseType decides: Completed accepts, Cancelled rejects (C2B00016), well before 8 s', async () => {
    merchantEndpoint.answer = () =>
      new Promise((resolve) =>
        setTimeout(() => resolve({ status: 200, body: { ResultCode: 'C2B00012' } }), 1500).unref(),
      );
    const started = Date.now();
    const accepted = await postC2b(
      completed.validationUrl,
      c2bBody({ TransID: newReceipt(), BusinessShortCode: '601003' }),
    );
    expect(accepted.data.ResultCode).toBe('0');
    expect(Date.now() - started).toBeLessThan(DEADLINE_MS + 1500);
    expect((await lastDecision()).reason).toMatch(/^merchant_no_answer \(ETIMEDOUT\): Completed$/);

    const rejected = await postC2b(
      cancelled.validationUrl,
      c2bBody({ TransID: newReceipt(), BusinessShortCode: '601004' }),
    );
    expect(rejected.data).toMatchObject({ ResultCode: 'C2B00016', ResultDesc: 'Rejected' });
    expect((await lastDecision()).reason).toMatch(/: Cancelled$/);
  });

  it('when the merchant answers an error or nonsense, then ResponseType decides too', async () => {
    merchantEndpoint.answer = async () => ({ status: 500, body: { oops: true } });
    expect(
      (
        await postC2b(
          completed.validationUrl,
          c2bBody({ TransID: newReceipt(), BusinessShortCode: '601003' }),
        )
      ).data.ResultCode,
    ).toBe('0');
    expect((await lastDecision()).reason).toMatch(/HTTP 500/);
    merchantEndpoint.answer = async () => ({ status: 200, body: { ResultCode: 'maybe' } });
    expect(
      (
        await postC2b(
          cancelled.validationUrl,
          c2bBody({ TransID: newReceipt(), BusinessShortCode: '601004' }),
        )
      ).data.ResultCode,
    ).toBe('C2B00016');
  });

  it('when the confirmation of an accepted payment follows, then it becomes the payment, with the ThirdPartyTransID validation answered', async () => {
    merchantEndpoint.answer = async () => ({ status: 200, body: { ResultCode: '0' } });
    const receipt = newReceipt();
    const validated = await postC2b(
      completed.validationUrl,
      c2bBody({ TransID: receipt, BusinessShortCode: '601003' }),
    );
    const thirdParty = validated.data.ThirdPartyTransID as string;
    await postC2b(
      completed.confirmationUrl,
      c2bBody({ TransID: receipt, BusinessShortCode: '601003', ThirdPartyTransID: thirdParty }),
    );
    const page = await completed.merchant({ method: 'GET', path: `/api/v1/transactions?receipt=${receipt}` });
    expect(page.data.data[0]).toMatchObject({ origin: 'c2b', c2b: { thirdPartyTransId: thirdParty } });
  });
});
