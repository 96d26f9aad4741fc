// Daraja's C2B register URL (v1, v2) over real HTTP: the product-version check, the URL rules,
// sandbox re-registration and production's register-once, and apps kept apart (docs/daraja.md §7).
import fixtures from '../fixtures/daraja-fixtures.json';
import { callbackTargets, targetFromUrl } from '../../src/simulator/simulator.callback-targets';
import { staticDirectory } from '../../src/simulator/simulator.directory';
import {
  asApp,
  customerPays,
  registerBody,
  startC2bReceiver,
  tokenOf,
  type C2bReceiver,
} from './c2b.harness';
import {
  CONSUMER_KEY,
  CONSUMER_SECRET,
  HEX_GROUP_ID,
  LOOPBACK_RECEIVERS,
  startHarness,
  type Harness,
} from './simulator.harness';

const OTHER_KEY = 'other-project-key';
const OTHER_SECRET = 'other-project-secret';
const { body: PRODUCT_MISMATCH } = fixtures.c2b_register_error_product_mismatch;

describe('POST /mpesa/c2b/{v1,v2}/registerurl', () => {
  let harness: Harness;
  let receiver: C2bReceiver;
  let app: ReturnType<typeof asApp>;

  beforeAll(async () => {
    receiver = await startC2bReceiver();
    harness = await startHarness({
      directory: staticDirectory(
        [
          { consumerKey: CONSUMER_KEY, consumerSecret: CONSUMER_SECRET },
          { consumerKey: OTHER_KEY, consumerSecret: OTHER_SECRET },
        ],
        {},
      ),
      // The loopback receivers plus one production-looking HTTPS address (never posted to here).
      callbackTargets: callbackTargets([
        { origin: 'loopback', pathPrefix: '/' },
        targetFromUrl('https://shop.example/cb/'),
      ]),
    });
    app = asApp(harness, await harness.fetchToken());
  });
  afterAll(async () => {
    await harness.close();
    await receiver.close();
  });

  it("when an app on the default C2B product registers on v2, then Daraja's success shape comes back, with its misspelt OriginatorCoversationID", async () => {
    const answer = await app.register(registerBody(receiver, { ShortCode: '600100' }));
    const documented = fixtures.c2b_register_url_response;
    expect(answer.status).toBe(documented.http_status);
    expect(Object.keys(answer.json).sort()).toEqual(Object.keys(documented.body).sort());
    expect(answer.json).toMatchObject({
      ResponseCode: '0',
      ResponseDescription: documented.body.ResponseDescription,
    });
    expect(answer.json.OriginatorCoversationID).toMatch(HEX_GROUP_ID);
    expect(documented.body.OriginatorCoversationID).toMatch(HEX_GROUP_ID);
  });

  it('when the app calls the other version, then the gateway answers 401 401.003.01 "no apiproduct match found", for register and simulate, until the app is switched', async () => {
    const v1 = await app.register(registerBody(receiver, { ShortCode: '600101' }), 'v1');
    expect(v1.status).toBe(fixtures.c2b_register_error_product_mismatch.http_status);
    expect(Object.keys(v1.json).sort()).toEqual(Object.keys(PRODUCT_MISMATCH).sort());
    expect(v1.json).toMatchObject({
      errorCode: PRODUCT_MISMATCH.errorCode,
      errorMessage: PRODUCT_MISMATCH.errorMessage,
    });
    expect(v1.json.requestId).toMatch(HEX_GROUP_ID);
    expect(PRODUCT_MISMATCH.requestId).toMatch(HEX_GROUP_ID);
    expect((await app.simulate({}, 'v1')).status).toBe(401);

    const other = asApp(harness, await tokenOf(harness, OTHER_KEY, OTHER_SECRET));
    expect((await other.setProductVersion('v1')).json).toMatchObject({ productVersion: 'v1' });
    expect((await other.register(registerBody(receiver, { ShortCode: '600101' }), 'v1')).status).toBe(200);
    const v2 = await other.register(registerBody(receiver, { ShortCode: '600101' }), 'v2');
    expect([v2.status, v2.json.errorCode]).toEqual([401, '401.003.01']);
    // Only that app changed.
    expect((await app.settings()).json.productVersion).toBe('v2');
  });

  it('when the token is not valid, then it is 404.001.03 before any product or body check', async () => {
    const answer = await harness.post('/mpesa/c2b/v1/registerurl', 'not json', {
      Authorization: 'Bearer nope',
    });
    expect([answer.status, answer.json.errorCode]).toEqual([404, '404.001.03']);
  });

  it.each([
    ['ShortCode', { ShortCode: 'abc' }, 'Bad Request - Invalid ShortCode'],
    ['ResponseType in lower case', { ResponseType: 'completed' }, 'Bad Request - Invalid ResponseType'],
    ['ResponseType spelt "Canceled"', { ResponseType: 'Canceled' }, 'Bad Request - Invalid ResponseType'],
    [
      'a ValidationURL that is no URL',
      { ValidationURL: 'your validation URL' },
      'Bad Request - Invalid ValidationURL',
    ],
    [
      'a ValidationURL with "mpesa" (both have it: ValidationURL is named)',
      { ValidationURL: 'http://127.0.0.1:1/mpesa/v', ConfirmationURL: 'http://127.0.0.1:1/mpesa/c' },
      fixtures.c2b_register_error_url_keyword.body.errorMessage,
    ],
    [
      'a ConfirmationURL with "M-Pesa"',
      { ConfirmationURL: 'http://127.0.0.1:1/M-Pesa/c' },
      'Bad Request - Invalid ConfirmationURL - URL has the word MPESA',
    ],
    [
      'a ConfirmationURL with "sql"',
      { ConfirmationURL: 'http://127.0.0.1:1/c/Sql' },
      'Bad Request - Invalid ConfirmationURL - URL has the word SQL',
    ],
    [
      'a ConfirmationURL with "exec"',
      { ConfirmationURL: 'http://127.0.0.1:1/exec/c' },
      'Bad Request - Invalid ConfirmationURL - URL has the word EXE',
    ],
    [
      'a ValidationURL with "query"',
      { ValidationURL: 'http://127.0.0.1:1/c?query=1' },
      'Bad Request - Invalid ValidationURL - URL has the word QUERY',
    ],
    [
      'a ConfirmationURL outside the allowed callback targets',
      { ConfirmationURL: 'http://169.254.169.254/latest/meta-data' },
      'Bad Request - Invalid ConfirmationURL',
    ],
  ])(
    'when the body has %s, then it is refused 400 400.003.02 with its field named',
    async (_label, overrides, message) => {
      const answer = await app.register(registerBody(receiver, overrides));
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ errorCode: '400.003.02', errorMessage: message });
    },
  );

  it('when a sandbox shortcode registers again, then the new URLs replace the old ones', async () => {
    const second = await startC2bReceiver();
    try {
      expect((await app.register(registerBody(receiver, { ShortCode: '600102' }))).status).toBe(200);
      expect((await app.register(registerBody(second, { ShortCode: '600102' }))).status).toBe(200);
      const paid = await customerPays(harness, { shortCode: '600102' });
      expect(paid.json).toMatchObject({ status: 'completed', confirmation: { sent: true, delivered: true } });
      expect(second.confirmations).toHaveLength(1);
      expect(receiver.confirmations.filter((c) => c.body.BusinessShortCode === '600102')).toHaveLength(0);
    } finally {
      await second.close();
    }
  });

  it('when the shortcode is a production one, then HTTP is refused, URLs register once (500.003.1001), and register again after their deletion', async () => {
    await app.setShortCode('600103', { production: true });
    const https = {
      ShortCode: '600103',
      ConfirmationURL: 'https://shop.example/cb/confirmation',
      ValidationURL: 'https://shop.example/cb/validation',
    };
    const plain = await app.register(registerBody(receiver, { ShortCode: '600103' }));
    expect(plain.json).toMatchObject({
      errorCode: '400.003.02',
      errorMessage: 'Bad Request - Invalid ValidationURL',
    });
    expect((await app.register(registerBody(receiver, https))).status).toBe(200);
    const again = await app.register(registerBody(receiver, https));
    expect(again.status).toBe(500);
    expect(again.json).toMatchObject({
      errorCode: '500.003.1001',
      errorMessage: 'Urls are already registered.',
    });
    expect(await app.deleteUrls('600103')).toEqual({ shortCode: '600103', deleted: true });
    expect((await app.register(registerBody(receiver, https))).status).toBe(200);
  });

  it("when two apps register the same shortcode, then each payment reaches the named app's URLs only, and an unnamed one is refused as ambiguous", async () => {
    const other = asApp(harness, await tokenOf(harness, OTHER_KEY, OTHER_SECRET));
    await other.setProductVersion('v2');
    const theirs = await startC2bReceiver();
    try {
      expect((await app.register(registerBody(receiver, { ShortCode: '600104' }))).status).toBe(200);
      expect((await other.register(registerBody(theirs, { ShortCode: '600104' }))).status).toBe(200);

      const toOther = await customerPays(harness, { shortCode: '600104', consumerKey: OTHER_KEY });
      expect(toOther.json).toMatchObject({ status: 'completed', confirmation: { delivered: true } });
      expect(theirs.confirmations).toHaveLength(1);
      expect(receiver.confirmations.filter((c) => c.body.BusinessShortCode === '600104')).toHaveLength(0);

      const unnamed = await customerPays(harness, { shortCode: '600104' });
      expect(unnamed.status).toBe(400);
      expect(String(unnamed.json.errorMessage)).toMatch(/^Bad Request - Invalid consumerKey/);
      // Neither app sees the other's registration or payments.
      const mine = (await app.payments()).json.payments as Array<{ transId: string }>;
      expect(mine.map((p) => p.transId)).not.toContain(toOther.json.transId);
      expect((await app.settings()).json.shortCodes).toMatchObject({
        '600104': { registration: { confirmationUrl: receiver.confirmationUrl } },
      });
    } finally {
      await theirs.close();
    }
  });

  it('when the register path is called with GET, then 405, and every call counts in c2bRegistrations', async () => {
    const before = (await harness.get('/__simulator/stats')).json.c2bRegistrations as number;
    expect((await harness.get('/mpesa/c2b/v2/registerurl')).status).toBe(405);
    await app.register(registerBody(receiver, { ResponseType: 'nope' }));
    expect((await harness.get('/__simulator/stats')).json.c2bRegistrations).toBe(before + 1);
  });
});

describe('C2B settings need the app own token', () => {
  it('when settings are changed without a valid token, then 404.001.03 and nothing changes', async () => {
    const harness = await startHarness({ callbackTargets: LOOPBACK_RECEIVERS });
    try {
      const response = await fetch(`${harness.baseUrl}/__simulator/c2b/settings`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json', Authorization: 'Bearer forged' },
        body: JSON.stringify({ productVersion: 'v1' }),
      });
      expect(response.status).toBe(404);
      const app = asApp(harness, await harness.fetchToken());
      expect((await app.settings()).json).toEqual({
        productVersion: 'v2',
        pullPageSize: 1000,
        shortCodes: {},
      });
      const bad = await app.setShortCode('600984', { msisdnForm: 'plain' });
      expect([bad.status, bad.json.errorMessage]).toEqual([400, 'Bad Request - Invalid msisdnForm']);
    } finally {
      await harness.close();
    }
  });
});
