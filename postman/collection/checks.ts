// Test-script fragments shared by several requests. Postman scripts cannot import one another,
// so each request's script is assembled from these strings. Every fragment asserts something
// that can fail; none prints a response body (it may hold a secret key).
import { header, request, type RequestSpec } from './postman-format';

/** The headers of a signed merchant request; the collection's pre-request script fills the last two. */
export const signed = {
  apiKey: header('X-Api-Key', '{{publicKey}}', "The project's public key"),
  timestamp: header(
    'X-Timestamp',
    '{{signatureTimestamp}}',
    "Set by the collection's pre-request script: now, in unix seconds",
  ),
  signature: header(
    'X-Signature',
    '{{signature}}',
    "Set by the collection's pre-request script from {{secretKey}}",
  ),
};
export const signedHeaders = [signed.apiKey, signed.timestamp, signed.signature];

/** A merchant request: signed, unless it lists its own headers (the error examples do). */
export const signedRequest = (spec: RequestSpec) =>
  request({ ...spec, headers: spec.headers ?? signedHeaders });

export const expectStatus = (status: number) => `
pm.test('status ${status}', () => {
  pm.response.to.have.status(${status});
});
`;

/** The one error shape: {error: {code, message, requestId, details?}}, requestId = X-Request-Id. */
export const expectError = (status: number, code: string) => `
pm.test('${status} ${code}, in the one error shape', () => {
  pm.response.to.have.status(${status});
  const { error } = pm.response.json();
  pm.expect(error.code).to.equal('${code}');
  pm.expect(error.message).to.be.a('string').that.is.not.empty;
  pm.expect(error.requestId).to.equal(pm.response.headers.get('X-Request-Id'));
});
`;

/** Asserts `transaction` (a variable in the script) has the merchant view's fields and types. */
export const expectTransactionShape = `
pm.test('transaction has the merchant view', () => {
  pm.expect(transaction).to.include.all.keys('id', 'status', 'amount', 'currency', 'phone', 'channel', 'accountReference',
    'description', 'metadata', 'checkoutRequestId', 'merchantRequestId', 'customerMessage', 'mpesaReceiptNumber',
    'amountPaid', 'amountVerified', 'amountMismatch', 'failure', 'createdAt', 'updatedAt', 'settledAt');
  pm.expect(transaction.id).to.match(/^txn_/);
  pm.expect(transaction.currency).to.equal('KES');
  pm.expect(transaction.phone).to.match(/^254[17]\\d{8}$/);
});
`;

/**
 * A request that repeats itself (through the Collection Runner or newman) until the
 * transaction in {{idVariable}} leaves "pending", then asserts the status it settled in.
 * Sent by hand, it shows the current status and how to repeat it.
 */
export function pollUntilSettled(
  idVariable: string,
  expected: { status: string; failureCode?: string },
  attempts = 40,
  delayMs = 500,
) {
  return `
pm.test('status 200', () => pm.response.to.have.status(200));
const { transaction } = pm.response.json();
// Counted per transaction, so a fresh payment always gets the whole budget.
const counter = 'attempts:' + transaction.id;
const attempt = Number(pm.collectionVariables.get(counter) || 0) + 1;
pm.test('it is the transaction saved as ${idVariable}', () => {
  pm.expect(transaction.id).to.equal(pm.environment.get('${idVariable}'));
});
if (transaction.status === 'pending' && attempt < ${attempts}) {
  // Not settled yet: wait, then run this request again (Collection Runner and newman only).
  pm.collectionVariables.set(counter, String(attempt));
  console.log(\`\${transaction.id} still pending after attempt \${attempt} of ${attempts}\`);
  pm.execution.setNextRequest(pm.info.requestName);
  setTimeout(() => {}, ${delayMs});
} else {
  pm.collectionVariables.unset(counter);
  pm.test('settled as ${expected.status} within ${attempts} attempts', () => {
    pm.expect(transaction.status).to.equal('${expected.status}');
  });${
    expected.failureCode
      ? `
  pm.test('failure.code is ${expected.failureCode}', () => {
    pm.expect(transaction.failure).to.be.an('object');
    pm.expect(transaction.failure.code).to.equal('${expected.failureCode}');
  });`
      : ''
  }
}
`;
}
