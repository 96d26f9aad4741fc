// Transactions (signed): the merchant API. Every request carries X-Api-Key, X-Timestamp and
// X-Signature (signedHeaders); the collection's pre-request script computes the last two.
// Run in order, the folder is the payment flow: initiate -> status (pending) -> wait for the
// simulator's callback -> status (completed) -> list, then one simulator outcome and errors.
import {
  expectError,
  expectStatus,
  expectTransactionShape,
  pollUntilSettled,
  signed,
  signedHeaders,
  signedRequest,
} from './checks';
import { folder, header, json } from './postman-format';

/** Any phone the simulator does not reserve for an outcome succeeds (README, "The Daraja simulator"). */
const PAYMENT = {
  phone: '0712345678',
  amount: 10,
  accountReference: 'INV-1001',
  description: 'Postman order',
  metadata: { orderId: '1001' },
};
const PAYMENT_BODY = json(PAYMENT);
/** How long after initiate the payment is surely still pending (the simulator calls back after 2 s by default). */
const SURELY_PENDING_MS = 1000;

const idempotencyKeyHeader = header(
  'Idempotency-Key',
  '{{idempotencyKey}}',
  'A retry with the same key and body returns the first result',
);

const initiateTests = (saveAs: string) => `
${expectStatus(201)}
const body = pm.response.json();
const transaction = body.transaction;
${expectTransactionShape}
pm.test('pending, with the push accepted', () => {
  pm.expect(transaction.status).to.equal('pending');
  pm.expect(transaction.checkoutRequestId).to.be.a('string').that.is.not.empty;
  pm.expect(body.clientSecret).to.be.a('string').and.satisfy((secret) => secret.startsWith('cs_'));
});
pm.environment.set('${saveAs}', transaction.id);
`;

const flow = [
  signedRequest({
    name: 'Initiate payment',
    method: 'POST',
    path: '/api/v1/transactions/initiate',
    headers: [...signedHeaders, idempotencyKeyHeader],
    body: PAYMENT_BODY,
    description: [
      'Sends an STK Push for 10 KES to 0712345678 (the simulator completes it about 2 s later).',
      'The pre-request script makes a new `Idempotency-Key` for each send; the test script saves `transactionId` and `clientSecret` (for a browser subscribing over Socket.io).',
    ].join('\n\n'),
    preRequest: `
// A new payment on each send. The key is kept so the next request can show a retry.
pm.collectionVariables.set('idempotencyKey', pm.variables.replaceIn('{{$guid}}'));
`,
    tests: `${initiateTests('transactionId')}
pm.test('amount, phone (normalised) and metadata as sent', () => {
  pm.expect(transaction.amount).to.equal(${PAYMENT.amount});
  pm.expect(transaction.phone).to.equal('254712345678');
  pm.expect(transaction.metadata).to.eql(${JSON.stringify(PAYMENT.metadata)});
});
pm.test('sent with a fresh UUID as Idempotency-Key', () => {
  pm.expect(pm.collectionVariables.get('idempotencyKey')).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
});
pm.environment.set('clientSecret', body.clientSecret);
pm.collectionVariables.set('initiatedAt', String(Date.now()));`,
  }),
  signedRequest({
    name: 'Initiate again with the same Idempotency-Key',
    method: 'POST',
    path: '/api/v1/transactions/initiate',
    headers: [...signedHeaders, idempotencyKeyHeader],
    body: PAYMENT_BODY,
    description:
      'A retry (same key, same body) returns the first result: no second transaction, no second prompt.',
    tests: `${expectStatus(201)}
pm.test('the same transaction as the first request', () => {
  pm.expect(pm.response.json().transaction.id).to.equal(pm.environment.get('transactionId'));
});`,
  }),
  signedRequest({
    name: 'Get transaction (pending)',
    method: 'GET',
    path: '/api/v1/transactions/:id',
    pathVariables: { id: '{{transactionId}}' },
    description: `Right after initiate the customer has not answered yet: \`pending\`. Sent by hand more than ${SURELY_PENDING_MS / 1000} s after initiate, the simulator may already have completed it; that check is then skipped.`,
    tests: `${expectStatus(200)}
const { transaction } = pm.response.json();
${expectTransactionShape}
pm.test('the initiated transaction', () => pm.expect(transaction.id).to.equal(pm.environment.get('transactionId')));
const sinceInitiate = Date.now() - Number(pm.collectionVariables.get('initiatedAt') || 0);
const pendingCheck = () => {
  pm.expect(transaction.status).to.equal('pending');
  pm.expect(transaction.mpesaReceiptNumber).to.equal(null);
  pm.expect(transaction.settledAt).to.equal(null);
};
if (sinceInitiate < ${SURELY_PENDING_MS}) pm.test('pending, no receipt yet', pendingCheck);
else pm.test.skip('pending, no receipt yet (skipped: sent more than ${SURELY_PENDING_MS} ms after initiate)', pendingCheck);`,
  }),
  signedRequest({
    name: 'Wait for the payment to settle',
    method: 'GET',
    path: '/api/v1/transactions/:id',
    pathVariables: { id: '{{transactionId}}' },
    description:
      'Repeats itself (Collection Runner, newman) every 0.5 s while the payment is pending, up to 40 times, then checks it completed. Sent by hand it shows the current status once.',
    tests: pollUntilSettled('transactionId', { status: 'completed' }),
  }),
  signedRequest({
    name: 'Get transaction (completed)',
    method: 'GET',
    path: '/api/v1/transactions/:id',
    pathVariables: { id: '{{transactionId}}' },
    description:
      'After the success callback: `completed`, with the M-Pesa receipt number and the amount paid.',
    tests: `${expectStatus(200)}
const { transaction } = pm.response.json();
${expectTransactionShape}
pm.test('completed, with a receipt and the full amount paid', () => {
  pm.expect(transaction.id).to.equal(pm.environment.get('transactionId'));
  pm.expect(transaction.status).to.equal('completed');
  pm.expect(transaction.mpesaReceiptNumber).to.be.a('string').that.is.not.empty;
  pm.expect(transaction.amountPaid).to.equal(transaction.amount);
  pm.expect(transaction.amountMismatch).to.equal(false);
  pm.expect(transaction.failure).to.equal(null);
  pm.expect(transaction.settledAt).to.be.a('string');
});`,
  }),
  signedRequest({
    name: 'List transactions',
    method: 'GET',
    path: '/api/v1/transactions',
    query: [
      { key: 'limit', value: '20', description: '1 to 100 (default 20)' },
      {
        key: 'status',
        value: 'completed',
        disabled: true,
        description: 'pending, completed, failed, cancelled or expired',
      },
      { key: 'phone', value: '0712345678', disabled: true, description: 'Any common Kenyan form' },
      {
        key: 'from',
        value: '2025-01-01T00:00:00Z',
        disabled: true,
        description: 'ISO 8601, inclusive, on createdAt',
      },
      {
        key: 'to',
        value: '2099-01-01T00:00:00Z',
        disabled: true,
        description: 'ISO 8601, inclusive, on createdAt',
      },
      { key: 'cursor', value: '', disabled: true, description: "The previous page's nextCursor" },
    ],
    description:
      'Newest first, a page at a time: `{data, nextCursor}`. Tick the disabled filters to use them (they are signed as sent).',
    tests: `${expectStatus(200)}
const page = pm.response.json();
pm.test('a page with the new transaction', () => {
  pm.expect(page.data).to.be.an('array');
  pm.expect(page.data.map((t) => t.id)).to.include(pm.environment.get('transactionId'));
  pm.expect(page.nextCursor === null || /^txn_/.test(page.nextCursor), 'nextCursor').to.equal(true);
});
pm.test('newest first', () => {
  const created = page.data.map((t) => t.createdAt);
  pm.expect(created).to.eql([...created].sort().reverse());
});`,
  }),
  signedRequest({
    name: 'List transactions by phone and status',
    method: 'GET',
    path: '/api/v1/transactions',
    query: [
      {
        key: 'phone',
        value: '0712 345 678',
        description: 'Spaces are allowed; Postman sends them as %20, and that is what is signed',
      },
      { key: 'status', value: 'completed' },
      { key: 'limit', value: '5' },
    ],
    description:
      'Filters. The phone has spaces, so this request also checks that the signature covers the query as Postman encodes it.',
    tests: `${expectStatus(200)}
const page = pm.response.json();
pm.test('only completed payments from 254712345678, including ours', () => {
  pm.expect(page.data.map((t) => t.id)).to.include(pm.environment.get('transactionId'));
  for (const t of page.data) {
    pm.expect(t.status).to.equal('completed');
    pm.expect(t.phone).to.equal('254712345678');
  }
  pm.expect(page.data.length).to.be.at.most(5);
});`,
  }),
];

const outcomes = folder(
  'Simulator outcomes',
  'The simulator picks the outcome by phone number (README, "The Daraja simulator"): 0700000001 cancels, 0700000002 has insufficient funds, 0700000003 is unreachable, 0700000004 enters a wrong PIN, any other number pays.',
  [
    signedRequest({
      name: 'Initiate a payment the customer cancels',
      method: 'POST',
      path: '/api/v1/transactions/initiate',
      body: json({ phone: '0700000001', amount: 10, accountReference: 'INV-1002' }),
      description:
        'Phone 0700000001: the simulator answers with ResultCode 1032 (cancelled by the customer). Saves `cancelledTransactionId`.',
      tests: initiateTests('cancelledTransactionId'),
    }),
    signedRequest({
      name: 'Wait for the cancellation',
      method: 'GET',
      path: '/api/v1/transactions/:id',
      pathVariables: { id: '{{cancelledTransactionId}}' },
      description: 'Repeats itself while pending, then checks the status and the failure reason.',
      tests: pollUntilSettled('cancelledTransactionId', {
        status: 'cancelled',
        failureCode: 'cancelled_by_customer',
      }),
    }),
  ],
);

const errors = folder(
  'Errors (signed)',
  'Refusals, each with its error code. All but the deliberate fault are signed correctly.',
  [
    signedRequest({
      name: 'Initiate with a bad signature',
      method: 'POST',
      path: '/api/v1/transactions/initiate',
      headers: [signed.apiKey, signed.timestamp, header('X-Signature', '0'.repeat(64), 'Deliberately wrong')],
      body: PAYMENT_BODY,
      tests: expectError(401, 'signature_invalid'),
    }),
    signedRequest({
      name: 'Initiate with a stale timestamp',
      method: 'POST',
      path: '/api/v1/transactions/initiate',
      headers: [
        signed.apiKey,
        header('X-Timestamp', '1000000000', 'September 2001: far outside the 5 minutes allowed'),
        signed.signature,
      ],
      body: PAYMENT_BODY,
      description: 'Correctly signed, but the timestamp is years old: `401 signature_expired`.',
      tests: expectError(401, 'signature_expired'),
    }),
    signedRequest({
      name: 'Initiate without signature headers',
      method: 'POST',
      path: '/api/v1/transactions/initiate',
      headers: [],
      body: PAYMENT_BODY,
      tests: expectError(401, 'signature_missing'),
    }),
    signedRequest({
      name: 'Initiate with the public key from before the rotation',
      method: 'POST',
      path: '/api/v1/transactions/initiate',
      headers: [
        header('X-Api-Key', '{{previousPublicKey}}', 'Saved by "Rotate project keys"'),
        signed.timestamp,
        signed.signature,
      ],
      body: PAYMENT_BODY,
      description: 'Rotation retires the old key pair at once: `401 api_key_unknown`.',
      tests: expectError(401, 'api_key_unknown'),
    }),
    signedRequest({
      name: 'Initiate with an invalid amount',
      method: 'POST',
      path: '/api/v1/transactions/initiate',
      body: json({ ...PAYMENT, amount: 10.5 }),
      description: 'Amounts are whole KES: `400 validation_failed`, with the field in `details.fields`.',
      tests: `${expectError(400, 'validation_failed')}
pm.test('details.fields names the amount', () => {
  const { fields } = pm.response.json().error.details;
  pm.expect(fields.map((f) => f.field)).to.include('amount');
});`,
    }),
    signedRequest({
      name: 'Reuse the Idempotency-Key with another body',
      method: 'POST',
      path: '/api/v1/transactions/initiate',
      headers: [...signedHeaders, idempotencyKeyHeader],
      body: json({ ...PAYMENT, amount: 20 }),
      description:
        'The key of "Initiate payment" with another amount: `409 idempotency_key_reused`, naming the first transaction.',
      tests: `${expectError(409, 'idempotency_key_reused')}
pm.test('details.transactionId is the first transaction', () => {
  pm.expect(pm.response.json().error.details.transactionId).to.equal(pm.environment.get('transactionId'));
});`,
    }),
    signedRequest({
      name: 'Get an unknown transaction',
      method: 'GET',
      path: '/api/v1/transactions/:id',
      pathVariables: { id: 'txn_doesnotexist' },
      tests: expectError(404, 'transaction_not_found'),
    }),
    signedRequest({
      name: 'List with an unknown filter',
      method: 'GET',
      path: '/api/v1/transactions',
      query: [{ key: 'colour', value: 'green' }],
      description: 'Unknown query parameters are refused, not ignored: `400 validation_failed`.',
      tests: expectError(400, 'validation_failed'),
    }),
  ],
);

export const transactionsFolder = folder(
  'Transactions (signed)',
  [
    "Merchant API. Each request carries `X-Api-Key: {{publicKey}}`, `X-Timestamp` and `X-Signature`; the collection's pre-request script computes the last two from `{{secretKey}}` (hex HMAC-SHA256 of `timestamp\\nMETHOD\\npath?query\\nbody`).",
    'Run "Create project" (Projects folder) first, or paste a project\'s keys into the environment.',
  ].join('\n\n'),
  [...flow, outcomes, errors],
);
