// No input to the C2B routes makes a 5xx (issue 19): the confirmation and validation URLs of an
// account with C2B on get malformed requests from a fixed seed (the generic cases of
// tests/helpers/fuzz-cases.ts, and C2B bodies with fields mutated: wrong types, huge or broken
// text, odd amounts, receipts repeated). Every one is answered: Daraja's acknowledgement or a
// validation answer for a well-formed POST, the one error shape otherwise; nothing is left
// unprocessed; and no receipt makes two payments.
import http from 'node:http';
import { startTestServer, type TestServer } from '../helpers/server';
import { c2bBody, c2bShop, startC2bDaraja, type C2bDaraja, type C2bShop } from '../helpers/c2b';
import { fuzzRequests, seedOf, seededRandom, type FuzzRequest, type Random } from '../helpers/fuzz-cases';
import { ERROR_STATUS } from '../../src/errors';

const CASES_PER_ROUTE = 200;
const SHAPED_CASES_PER_ROUTE = 200;
const CONCURRENCY = 8;
const SEED = 'issue-19-c2b';

let server: TestServer;
let daraja: C2bDaraja;
let shop: C2bShop;
let agent: http.Agent;

beforeAll(async () => {
  daraja = await startC2bDaraja(['601200']);
  server = await startTestServer({ MPESA_SANDBOX_BASE_URL: daraja.url, C2B_VALIDATION_TIMEOUT_MS: '300' });
  shop = await c2bShop(server, daraja, {
    shortcode: '601200',
    c2b: { version: 'v2', validation: { billReferences: ['A', 'B'], minAmount: 1, maxAmount: 100 } },
  });
  agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
});
afterAll(async () => {
  agent.destroy();
  await server.close();
  await daraja.close();
});

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

const ODD_VALUES: readonly unknown[] = [
  null,
  true,
  0,
  -5,
  1e21,
  '',
  ' ',
  '-5.00',
  '1e3',
  '0x10',
  ' 5 ',
  '5.',
  '.5',
  '99999999999999999999',
  '10.999999999999999999',
  'NaN',
  '\u0000\ud800',
  '2547 ***** 126',
  'é'.repeat(300),
  'x'.repeat(10_000),
  [],
  ['RKL51ZDR4F'],
  { nested: { deeper: [1, 2, 3] } },
];
const FIELDS = [
  'TransactionType',
  'TransID',
  'TransTime',
  'TransAmount',
  'BusinessShortCode',
  'BillRefNumber',
  'InvoiceNumber',
  'OrgAccountBalance',
  'ThirdPartyTransID',
  'MSISDN',
  'FirstName',
];

/** A C2B body with one to three fields changed or removed; receipts from a small pool, so some repeat. */
function shapedCase(random: Random, url: URL): FuzzRequest {
  const body = c2bBody({
    TransID: `FZ${Math.floor(random() * 20)}`,
    BillRefNumber: pick(random, ['A', 'B', 'C']),
    BusinessShortCode: '601200',
    TransAmount: pick(random, ['5.00', '10', '10.50', '500']),
  });
  const changed: string[] = [];
  for (let n = 1 + Math.floor(random() * 3); n > 0; n -= 1) {
    const field = pick(random, FIELDS);
    if (random() < 0.2) delete body[field];
    else body[field] = pick(random, ODD_VALUES);
    changed.push(field);
  }
  return {
    method: 'POST',
    path: url.pathname,
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify(body)),
    label: `shaped ${changed.join(',')}`,
  };
}

function send(request: FuzzRequest): Promise<{ status: number; body: string } | { error: string }> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve) => {
    const outgoing = http.request(
      {
        host: hostname,
        port,
        method: request.method,
        path: request.path,
        headers: request.headers,
        agent,
        timeout: 10_000,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', (error) => resolve({ error: error.message }));
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error('no answer within 10 s')));
    outgoing.on('error', (error) => resolve({ error: error.message }));
    outgoing.end(request.body);
  });
}

function problemWith(request: FuzzRequest, wellFormedPath: string, answer: { status: number; body: string }) {
  if (answer.status >= 500) return `${answer.status} ${answer.body.slice(0, 200)}`;
  let parsed: Record<string, any> | undefined;
  try {
    parsed = JSON.parse(answer.body) as Record<string, any>;
  } catch {
    // Express answers OPTIONS itself with the methods allowed (200 "POST"), as on every route.
    if (request.method === 'HEAD' || (request.method === 'OPTIONS' && answer.status === 200))
      return undefined;
    return `${answer.status} not JSON: ${answer.body.slice(0, 100)}`;
  }
  const wellFormed =
    request.method === 'POST' && request.path === wellFormedPath && (request.body?.length ?? 0) <= 64 * 1024;
  if (wellFormed && answer.status === 200) {
    const code = String(parsed.ResultCode);
    return code === '0' || /^C2B0001[1-6]$/.test(code) ? undefined : `answer ${answer.body.slice(0, 200)}`;
  }
  if (wellFormed && answer.status !== 413) return `well-formed POST answered ${answer.status}`;
  if (answer.status < 400) return undefined;
  const code = parsed.error?.code as keyof typeof ERROR_STATUS | undefined;
  return code && ERROR_STATUS[code] === answer.status
    ? undefined
    : `${answer.status} ${answer.body.slice(0, 200)}`;
}

async function inPool<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

describe('when the C2B routes get malformed requests', () => {
  it.each(['confirmation', 'validation'] as const)(
    'then the %s URL answers every one, never with a 5xx',
    async (kind) => {
      const url = new URL(kind === 'confirmation' ? shop.confirmationUrl : shop.validationUrl);
      const [, accountId, token] = /c2b\/([^/]+)\/([^/]+)\//.exec(url.pathname)!;
      const random = seededRandom(seedOf(`${SEED}:${kind}`));
      const requests = [
        ...fuzzRequests(
          { method: 'post', path: `/api/v1/callbacks/c2b/:accountId/:token/${kind}` },
          CASES_PER_ROUTE,
          random,
          {
            publicKey: shop.keys.publicKey,
            secretKey: shop.keys.secretKey,
            adminToken: server.adminToken,
            validParam: (_path, name) => (name === 'accountId' ? accountId! : token!),
          },
        ),
        ...Array.from({ length: SHAPED_CASES_PER_ROUTE }, () => shapedCase(random, url)),
      ];
      const problems: string[] = [];
      await inPool(requests, async (request) => {
        const answer = await send(request);
        const problem =
          'error' in answer ? `no answer: ${answer.error}` : problemWith(request, url.pathname, answer);
        if (problem) problems.push(`${request.label}: ${problem}`);
      });
      expect(problems.slice(0, 10)).toEqual([]);
    },
  );

  it('then nothing acknowledged is left unprocessed, and no receipt made two payments', async () => {
    const db = server.database();
    const unprocessed = await db.all(
      db.qb
        .selectFrom('CallbackRecord')
        .select('id')
        .where('kind', '=', 'c2b_confirmation')
        .where('processedAt', 'is', null),
    );
    expect(unprocessed).toEqual([]);
    const payments = await db.all(
      db.qb
        .selectFrom('Transaction')
        .select(['mpesaReceiptNumber', 'amount', 'amountPaid'])
        .where('accountId', '=', shop.accountId),
    );
    expect(payments.length).toBeGreaterThan(0);
    const receipts = payments.map((payment) => payment.mpesaReceiptNumber);
    expect(new Set(receipts).size).toBe(receipts.length);
    expect(payments.every((payment) => payment.amount >= 0 && (payment.amountPaid ?? 0) >= 0)).toBe(true);
  });
});
