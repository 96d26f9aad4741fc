// Every sample /docs shows, in every language, run against a real service (simulator mode), the
// way the README snippets are (tests/readme): written from the document the server serves
// (GET /openapi.json), saved to a file and started with bash (curl + openssl), node, python3 and
// php. The only edits are the ones a reader makes, named in readerEdits below: this server's
// URL and the project's public key (which /docs itself fills in for a signed-in reader), the ids
// of the reader's own objects, and an email of their own where one must be new. Each language
// has its own project and objects, so one language's writes never meet another's.
import { apiSections } from '../../src/app';
import type { OpenApiDocument } from '../../src/core/openapi.types';
import { sampleRequestsOf, type SampleRequest } from '../../src/openapi/samples/sample.request';
import {
  SAMPLE_BASE_URL,
  SAMPLE_ENV,
  SAMPLE_PUBLIC_KEY,
} from '../../src/openapi/samples/sample.placeholders';
import { SAMPLE_LANGUAGES, samplesOf, type SampleLanguage } from '../../src/openapi/samples/samples';
import { createDashboardUser, signIn } from '../helpers/dashboard';
import { createProject, merchantClient, type ProjectKeys } from '../helpers/merchant';
import { eventually } from '../helpers/realtime';
import { startTestServer, type TestServer } from '../helpers/server';
import { fetchDocument } from '../openapi/document';
import { createSampleWorkspace, type SampleWorkspace } from './sample-runner';

jest.setTimeout(60_000);

/** The examples the checkout operations show for a link's slug and a session's client secret (src/checkout/public.schema.ts). */
const LINK_SLUG_EXAMPLE = 'yoga-class';
const SESSION_SECRET_EXAMPLE = 'cs_1a2b3c4d.SESSIONSECRET';

/** Every operation the service declares, in the document's order (ids do not depend on config). */
const OPERATION_IDS = apiSections({ amount: { min: 1, max: 150_000 } }).flatMap((section) =>
  (section.operations ?? []).map((operation) => operation.operationId),
);

let server: TestServer;
let workspace: SampleWorkspace;
let requests: Map<string, SampleRequest>;

beforeAll(async () => {
  [server, workspace] = await Promise.all([
    startTestServer({
      PROJECT_CREATE_RATE_LIMIT_MAX: '1000',
      WEBHOOK_POLL_INTERVAL_MS: '50',
      // Every language's checkout samples prompt the samples' one phone.
      CHECKOUT_PUSHES_PER_PHONE: '1000',
      CHECKOUT_PUSHES_PER_ADDRESS: '1000',
    }),
    createSampleWorkspace(),
  ]);
  const doc: OpenApiDocument = await fetchDocument(server.url);
  requests = new Map(sampleRequestsOf(doc).map((request) => [request.operationId, request]));
});
afterAll(async () => {
  workspace?.remove();
  await server?.close();
});

/** A reader's own objects: what the samples' example ids stand for. */
interface Fixtures {
  keys: ProjectKeys;
  transactionId: string;
  eventId: string;
  endpointId: string;
  endpointToDelete: string;
  accountId: string;
  accountToDelete: string;
  statusQueryId: string;
  qrCodeId: string;
  /** Two payouts awaiting approval: one the approve sample sends (and the reads read), one the reject sample rejects. */
  payoutId: string;
  payoutToReject: string;
  /** Two payout batches awaiting approval: one the approve sample sends (and the reads read), one the reject sample rejects. */
  payoutBatchId: string;
  payoutBatchToReject: string;
  /** A paid payment the refund sample refunds; two refunds awaiting approval (approve, reject); a balance check. */
  refundablePaymentId: string;
  refundId: string;
  refundToReject: string;
  balanceCheckId: string;
  linkId: string;
  linkSlug: string;
  checkoutSessionId: string;
  checkoutSessionSecret: string;
  otherProjectId: string;
  user: { id: string; email: string };
  session: { cookie: string; csrfToken: string };
}

async function createFixtures(language: SampleLanguage): Promise<Fixtures> {
  const keys = await createProject(server.url, server.adminToken, `Samples in ${language}`);
  const signed = merchantClient(server.url, keys);
  const ok = async <T>(call: Parameters<typeof signed>[0]): Promise<T> => {
    const response = await signed(call);
    if (response.status >= 300) throw new Error(`${call.path}: ${JSON.stringify(response.data)}`);
    return response.data as T;
  };
  type Created<K extends string> = Record<K, { id: string }>;
  const payment = await ok<Created<'transaction'>>({
    method: 'POST',
    path: '/api/v1/test-payments',
    body: { outcome: 'paid' },
  });
  const transactionId = payment.transaction.id;
  const events = await eventually(
    () =>
      ok<{ data: { id: string }[] }>({
        method: 'GET',
        path: `/api/v1/events?transactionId=${transactionId}`,
      }),
    (page) => page.data.length > 0,
  );
  const endpoint = (url: string) =>
    ok<Created<'endpoint'>>({ method: 'POST', path: '/api/v1/webhook-endpoints', body: { url } }).then(
      (created) => created.endpoint.id,
    );
  const account = (name: string) =>
    ok<Created<'account'>>({
      method: 'POST',
      path: '/api/v1/mpesa-accounts',
      body: {
        name,
        environment: 'simulator',
        consumerKey: `ck_${language}_${name}`,
        consumerSecret: 'secret',
        shortcode: '600100',
        passkey: 'passkey',
        // The default account (the first) asks Transaction Status: it needs an initiator.
        initiatorName: 'samples',
        initiatorPassword: 'samples-password',
      },
    }).then((created) => created.account.id);
  const signInBody = requests.get('signIn')!.body as { password: string };
  const email = `${language}@shop.example`;
  const user = await createDashboardUser(server, {
    email,
    password: signInBody.password,
    projectIds: [keys.projectId],
  });
  const session = await signIn(server.url, email, signInBody.password);
  const accountId = await account('Kept');
  const statusQuery = await ok<Created<'statusQuery'>>({
    method: 'POST',
    path: '/api/v1/transactions/status-queries',
    body: { receipt: 'UJ22T8IYOU' },
  });
  // Payouts on for this project (the operator's act); two wait for approval, then the policy lets
  // the create sample's payout go at once.
  const payoutSettings = (approval: 'all' | 'none') =>
    fetch(`${server.url}/api/v1/projects/${keys.projectId}/payout-settings`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${server.adminToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        mode: 'test',
        enabled: true,
        perPayoutMax: 250_000,
        dailyMax: 10_000_000,
        approval,
      }),
    }).then((response) => {
      if (!response.ok) throw new Error(`payout settings: ${response.status}`);
    });
  await payoutSettings('all');
  const payout = () =>
    ok<Created<'payout'>>({
      method: 'POST',
      path: '/api/v1/payouts',
      body: { phone: '0712345678', amount: 100 },
    }).then((created) => created.payout.id);
  const [payoutId, payoutToReject] = [await payout(), await payout()];
  const batch = () =>
    ok<{ batch: { id: string } }>({
      method: 'POST',
      path: '/api/v1/payout-batches',
      body: { rows: [{ phone: '0712345678', amount: 100 }] },
    }).then((created) => created.batch.id);
  const [payoutBatchId, payoutBatchToReject] = [await batch(), await batch()];
  await payoutSettings('none');
  // Refunds of paid payments of the default account (it has the initiator); a balance check.
  const paid = async () => {
    const created = await ok<Created<'transaction'>>({
      method: 'POST',
      path: '/api/v1/test-payments',
      body: { outcome: 'paid' },
    });
    await eventually(
      () =>
        ok<{ transaction: { status: string } }>({
          method: 'GET',
          path: `/api/v1/transactions/${created.transaction.id}`,
        }),
      (read) => read.transaction.status === 'completed',
    );
    return created.transaction.id;
  };
  const refundOf = (id: string) =>
    ok<Created<'refund'>>({ method: 'POST', path: `/api/v1/transactions/${id}/refund`, body: {} }).then(
      (created) => created.refund.id,
    );
  const [refundablePaymentId, refundId, refundToReject] = [
    await paid(),
    await refundOf(await paid()),
    await refundOf(await paid()),
  ];
  const balanceCheck = await ok<Created<'balanceCheck'>>({
    method: 'POST',
    path: '/api/v1/balances',
    body: {},
  });
  const qrCode = await ok<Created<'qrCode'>>({
    method: 'POST',
    path: '/api/v1/qr-codes',
    body: { amount: 150, reference: 'INV-9', merchantName: 'SAMPLE SHOP' },
  });
  const link = await ok<{ link: { id: string; slug: string } }>({
    method: 'POST',
    path: '/api/v1/payment-links',
    body: { title: `Samples in ${language}`, amount: 10 },
  });
  const checkoutSession = await ok<{ id: string; clientSecret: string }>({
    method: 'POST',
    path: '/api/v1/checkout-sessions',
    body: { amount: 10, accountReference: 'SAMPLE-1' },
  });
  return {
    keys,
    linkId: link.link.id,
    linkSlug: link.link.slug,
    checkoutSessionId: checkoutSession.id,
    checkoutSessionSecret: checkoutSession.clientSecret,
    transactionId,
    eventId: events.data[0]!.id,
    endpointId: await endpoint('https://shop.example.com/webhooks/kept'),
    endpointToDelete: await endpoint('https://shop.example.com/webhooks/gone'),
    accountId,
    accountToDelete: await account('Gone'),
    statusQueryId: statusQuery.statusQuery.id,
    qrCodeId: qrCode.qrCode.id,
    payoutId,
    payoutToReject,
    payoutBatchId,
    payoutBatchToReject,
    refundablePaymentId,
    refundId,
    refundToReject,
    balanceCheckId: balanceCheck.balanceCheck.id,
    otherProjectId: (await createProject(server.url, server.adminToken, `Renamed in ${language}`)).projectId,
    user: { id: (user.data as { user: { id: string } }).user.id, email },
    session: {
      cookie: /mb_session=([^;]+)/.exec(String(session.headers['set-cookie']))![1]!,
      csrfToken: (session.data as { csrfToken: string }).csrfToken,
    },
  };
}

/** What a reader changes in a sample before running it: [as shown, as run]. */
function readerEdits(
  request: SampleRequest,
  fixtures: Fixtures,
  language: SampleLanguage,
): [string, string][] {
  // Deleting the object itself (not a part of it, like an account's C2B) takes the one to lose.
  const deleting =
    request.method === 'delete' &&
    request.path.endsWith(`/${encodeURIComponent(request.pathValues.at(-1) ?? '')}`);
  const ids: Record<string, string> = {
    txn: request.operationId === 'refundTransaction' ? fixtures.refundablePaymentId : fixtures.transactionId,
    rf: request.operationId === 'rejectRefund' ? fixtures.refundToReject : fixtures.refundId,
    bal: fixtures.balanceCheckId,
    evt: fixtures.eventId,
    we: deleting ? fixtures.endpointToDelete : fixtures.endpointId,
    acc: deleting ? fixtures.accountToDelete : fixtures.accountId,
    usr: fixtures.user.id,
    prj: fixtures.otherProjectId,
    tsq: fixtures.statusQueryId,
    qr: fixtures.qrCodeId,
    po: request.operationId === 'rejectPayout' ? fixtures.payoutToReject : fixtures.payoutId,
    pob: request.operationId === 'rejectPayoutBatch' ? fixtures.payoutBatchToReject : fixtures.payoutBatchId,
    lnk: fixtures.linkId,
    chk: fixtures.checkoutSessionId,
    [LINK_SLUG_EXAMPLE]: fixtures.linkSlug,
  };
  const email = (request.body as { email?: string } | undefined)?.email;
  return [
    [SAMPLE_BASE_URL, server.url],
    [SAMPLE_PUBLIC_KEY, fixtures.keys.publicKey],
    [SESSION_SECRET_EXAMPLE, fixtures.checkoutSessionSecret],
    ...request.pathValues.map((example): [string, string] => {
      const own = ids[example.split('_')[0]!];
      if (!own) throw new Error(`${request.operationId}: no object of the reader's stands for ${example}`);
      return [example, own];
    }),
    // Signing in takes the reader's own account; a new user needs an email nobody has yet.
    ...(email
      ? [
          [
            email,
            request.operationId === 'signIn' ? fixtures.user.email : `new-${language}@shop.example`,
          ] as [string, string],
        ]
      : []),
  ];
}

describe.each(SAMPLE_LANGUAGES.map(({ id, label }) => [label, id] as const))(
  'when a reader runs the %s samples of /docs',
  (_label, language) => {
    let fixtures: Fixtures;
    beforeAll(async () => {
      fixtures = await createFixtures(language);
    });

    it('then every operation has one', () => {
      expect([...requests.keys()].sort()).toEqual([...OPERATION_IDS].sort());
    });

    it.each(OPERATION_IDS)('then the %s sample succeeds', async (operationId) => {
      const request = requests.get(operationId)!;
      const code = readerEdits(request, fixtures, language).reduce(
        (text, [shown, own]) => text.replaceAll(shown, own),
        samplesOf(request)[language],
      );
      const result = await workspace.run(language, code, {
        [SAMPLE_ENV.secretKey]: fixtures.keys.secretKey,
        [SAMPLE_ENV.adminToken]: server.adminToken,
        [SAMPLE_ENV.session]: fixtures.session.cookie,
        [SAMPLE_ENV.csrfToken]: fixtures.session.csrfToken,
      });
      expect({ operationId, ...result, code }).toMatchObject({ exitCode: 0 });
      if (request.answer !== 'none') expect(result.stdout.trim()).not.toBe('');
      // curl prints the answer as it came: JSON where the operation answers JSON.
      if (language === 'curl' && request.answer === 'json')
        expect(() => JSON.parse(result.stdout)).not.toThrow();
    });
  },
);

describe('when a sample is run against the wrong key', () => {
  it('then it fails, so a passing sample proves the call was accepted', async () => {
    const keys = await createProject(server.url, server.adminToken, 'Wrong key');
    const request = requests.get('listTransactions')!;
    for (const { id: language } of SAMPLE_LANGUAGES) {
      const code = samplesOf(request)
        [language].replaceAll(SAMPLE_BASE_URL, server.url)
        .replaceAll(SAMPLE_PUBLIC_KEY, keys.publicKey);
      const result = await workspace.run(language, code, {
        [SAMPLE_ENV.secretKey]: 'sk_test_not_the_secret',
      });
      expect({ language, failed: result.exitCode !== 0 }).toEqual({ language, failed: true });
      // The SDKs' errors name the code, or (PHP's uncaught exception) the message that goes with it.
      expect(`${result.stdout}${result.stderr}`).toMatch(/signature_invalid|signature does not match/);
    }
  });
});
