// Switching C2B on for an M-Pesa account (issue 19 item 1): the service registers its own
// confirmation and validation URLs (an unguessable token in the path) with Daraja through the
// account's client, with its C2B version and default response type; Daraja's refusals come
// back explained with stable codes and are shown by diagnostics (`doctor`).
import { startTestServer, type TestServer } from '../helpers/server';
import { c2bBody, c2bShop, newReceipt, postC2b, startC2bDaraja, type C2bDaraja } from '../helpers/c2b';
import { accountBody, keysOf } from '../helpers/accounts';
import { adminHeaders, expectError } from '../helpers/http-edges';
import { merchantClient, type MerchantRequest } from '../helpers/merchant';
import axios from 'axios';

let server: TestServer;
let daraja: C2bDaraja;
let v1Daraja: C2bDaraja;

beforeAll(async () => {
  daraja = await startC2bDaraja(['600980', '600981', '600982', '600983'], ['v2']);
  server = await startTestServer({ MPESA_SANDBOX_BASE_URL: daraja.url });
});
afterAll(async () => {
  await server.close();
  await daraja.close();
  await v1Daraja?.close();
});

async function shopWithAccount(shortcode: string): Promise<{ merchant: MerchantRequest; accountId: string }> {
  const created = await axios.post(
    `${server.url}/api/v1/projects`,
    { name: 'C2B shop' },
    { headers: adminHeaders(server) },
  );
  const merchant = merchantClient(server.url, keysOf(created.data, 'test'));
  const account = await merchant({
    method: 'POST',
    path: '/api/v1/mpesa-accounts',
    body: accountBody({ environment: 'sandbox', ...daraja.app, shortcode, passkey: 'c2b-passkey' }),
  });
  expect(account.status).toBe(201);
  return { merchant, accountId: account.data.account.id };
}

const enable = (merchant: MerchantRequest, accountId: string, body: Record<string, unknown>) =>
  merchant({ method: 'POST', path: `/api/v1/mpesa-accounts/${accountId}/c2b`, body });

const findings = async (merchant: MerchantRequest) =>
  (
    (await merchant({ method: 'GET', path: '/api/v1/diagnostics' })).data.findings as Array<
      Record<string, any>
    >
  ).filter((finding) => finding.check === 'c2b');

describe('POST /api/v1/mpesa-accounts/:id/c2b', () => {
  it('when the version is the one on the Daraja app, then the URLs are registered on its path with the account shortcode and response type, and C2B is on', async () => {
    const { merchant, accountId } = await shopWithAccount('600980');
    const answer = await enable(merchant, accountId, { version: 'v2', responseType: 'Cancelled' });
    expect(answer.status).toBe(200);
    expect(answer.data.c2b).toMatchObject({
      accountId,
      enabled: true,
      version: 'v2',
      responseType: 'Cancelled',
      lastError: null,
      validation: { enabled: false, url: null, timeoutMs: 5000 },
    });
    expect(answer.data.validationSecret).toBeUndefined();
    const { version, body } = daraja.registrations.at(-1)!;
    expect(version).toBe('v2');
    expect(body).toMatchObject({ ShortCode: '600980', ResponseType: 'Cancelled' });
    const token = /\/api\/v1\/callbacks\/c2b\/(acc_[0-9a-z]+)\/([^/]+)\/confirmation$/.exec(
      body.ConfirmationURL,
    );
    expect(token?.[1]).toBe(accountId);
    expect(token![2]!.length).toBeGreaterThanOrEqual(32);
    expect(body.ValidationURL).toBe(body.ConfirmationURL.replace(/confirmation$/, 'validation'));
    // The words Daraja refuses in URLs are not in ours (docs/daraja.md §2).
    expect(new URL(body.ConfirmationURL).pathname).not.toMatch(/m-?pesa|safaricom|exe|cmd|sql|query/i);
    // The token is not shown back.
    expect(JSON.stringify(answer.data)).not.toContain(token![2]!);

    expect(await findings(merchant)).toEqual([expect.objectContaining({ status: 'ok' })]);
  });

  it('when it is switched on again, then the new URLs work and the old token no longer does', async () => {
    const { merchant, accountId } = await shopWithAccount('600981');
    await enable(merchant, accountId, { version: 'v2' });
    const first = daraja.registrations.at(-1)!.body.ConfirmationURL;
    await enable(merchant, accountId, { version: 'v2' });
    const second = daraja.registrations.at(-1)!.body.ConfirmationURL;
    expect(second).not.toBe(first);
    await postC2b(first, c2bBody({ TransID: newReceipt() }));
    const receipt = newReceipt();
    await postC2b(second, c2bBody({ TransID: receipt }));
    const paid = await merchant({ method: 'GET', path: `/api/v1/transactions?receipt=${receipt}` });
    expect(paid.data.data).toHaveLength(1);
    const stored = await server
      .database()
      .all(
        server
          .database()
          .qb.selectFrom('CallbackRecord')
          .select(['reason'])
          .where('kind', '=', 'c2b_confirmation'),
      );
    expect(stored.map((row) => row.reason)).toContain('unknown_account');
  });

  it('when the app has the other C2B version, then 422 c2b_version_mismatch tells to use the version enabled on the app, and doctor says so', async () => {
    const { merchant, accountId } = await shopWithAccount('600982');
    const refused = await enable(merchant, accountId, { version: 'v1' });
    const error = expectError(refused, 422, 'c2b_version_mismatch');
    expect(error.message).toMatch(/no apiproduct match found/);
    expect(error.message).toMatch(/version enabled on your Daraja app/);
    expect(error.details).toMatchObject({ darajaErrorCode: '401.003.01', version: 'v1' });
    expect(daraja.registrations.at(-1)!.version).toBe('v1');

    const shown = await merchant({ method: 'GET', path: `/api/v1/mpesa-accounts/${accountId}/c2b` });
    expect(shown.data.c2b).toMatchObject({
      enabled: false,
      lastError: { code: 'c2b_version_mismatch', darajaErrorCode: '401.003.01' },
    });
    const [finding] = await findings(merchant);
    expect(finding).toMatchObject({ status: 'fail' });
    expect(finding!.fix).toMatch(/with version v2/);

    // With the right version it is on, and the failure is forgotten.
    expect((await enable(merchant, accountId, { version: 'v2' })).data.c2b).toMatchObject({
      enabled: true,
      lastError: null,
    });
  });

  it('when Daraja says the URLs are already registered, then 409 c2b_urls_already_registered', async () => {
    const { merchant, accountId } = await shopWithAccount('600983');
    daraja.answerNext(500, {
      requestId: 'r-1',
      errorCode: '500.003.1001',
      errorMessage: 'Urls are already registered.',
    });
    const error = expectError(
      await enable(merchant, accountId, { version: 'v2' }),
      409,
      'c2b_urls_already_registered',
    );
    expect(error.message).toMatch(/delete them on the Daraja portal/);
    expect((await findings(merchant))[0]!.fix).toMatch(/URL Management/);
  });

  it('when Daraja refuses a URL, then 422 c2b_url_refused', async () => {
    const { merchant, accountId } = await shopWithAccount('600983');
    daraja.answerNext(400, {
      requestId: 'r-2',
      errorCode: '400.002.02',
      errorMessage: 'Bad Request - Invalid ConfirmationURL',
    });
    expectError(await enable(merchant, accountId, { version: 'v2' }), 422, 'c2b_url_refused');
  });

  it('when the body is wrong, then 400 validation_failed names the fields, and nothing is registered', async () => {
    const { merchant, accountId } = await shopWithAccount('600983');
    const before = daraja.registrations.length;
    const refused = await enable(merchant, accountId, {
      version: 'v3',
      responseType: 'completed',
      validation: { billReferencePattern: '(a+)+$', minAmount: 10, maxAmount: 5 },
    });
    const error = expectError(refused, 400, 'validation_failed');
    const fields = (error.details!.fields as Array<{ field: string }>).map((field) => field.field);
    expect(fields).toEqual(
      expect.arrayContaining(['version', 'responseType', 'validation.billReferencePattern']),
    );
    expect(daraja.registrations.length).toBe(before);
  });

  it("when the account is another project's, then 404 mpesa_account_not_found", async () => {
    const { accountId } = await shopWithAccount('600983');
    const { merchant: stranger } = await shopWithAccount('600983');
    expectError(await enable(stranger, accountId, { version: 'v2' }), 404, 'mpesa_account_not_found');
  });
});

describe('a Daraja app with C2B v1', () => {
  it('when switched on with v1, then v1 registers, and v1 confirmations (MSISDN hashed) become payments', async () => {
    v1Daraja = await startC2bDaraja(['600990'], ['v1']);
    const v1Server = await startTestServer({ MPESA_SANDBOX_BASE_URL: v1Daraja.url });
    try {
      const shop = await c2bShop(v1Server, v1Daraja, { shortcode: '600990', c2b: { version: 'v1' } });
      expect(v1Daraja.registrations.at(-1)!.version).toBe('v1');
      const receipt = newReceipt();
      const hash = 'a'.repeat(64);
      expect((await postC2b(shop.confirmationUrl, c2bBody({ TransID: receipt, MSISDN: hash }))).status).toBe(
        200,
      );
      const page = await shop.merchant({ method: 'GET', path: `/api/v1/transactions?receipt=${receipt}` });
      expect(page.data.data[0]).toMatchObject({ origin: 'c2b', c2b: { msisdnForm: 'hashed' } });
    } finally {
      await v1Server.close();
    }
  });
});
