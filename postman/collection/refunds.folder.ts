// Refunds (signed): a received payment given back in full through Daraja's Reversal API. Runs
// after the Payouts folder, which added an account with an initiator (`payoutAccountId`) and
// turned test money out on: a payment into that account completes, a refund of it is asked
// for and waits for a second person's approval (a dashboard session, never a key), and the
// reads show it.
import { expectError, expectStatus, pollUntilSettled, signedRequest } from './checks';
import { folder, json } from './postman-format';

const PAYMENT = {
  phone: '0712345678',
  amount: 40,
  accountReference: 'REFUND-1',
  description: 'Refund order',
  account: '{{payoutAccountId}}',
};

const expectRefund = `
const refund = pm.response.json().refund;
pm.test('a refund of the whole payment, waiting for approval', () => {
  pm.expect(refund.id).to.match(/^rf_/);
  pm.expect(refund.transactionId).to.equal(pm.environment.get('refundPaymentId'));
  pm.expect(refund.status).to.equal('awaiting_approval');
  pm.expect(refund.amount).to.equal(${PAYMENT.amount});
  pm.expect(refund.receipt).to.match(/^[A-Z0-9]{10}$/);
  pm.expect(refund.reversalReceipt).to.equal(null);
});`;

export const refundsFolder = folder(
  'Refunds (signed)',
  [
    'Give a received payment (STK or C2B) back in full: `POST /api/v1/transactions/{id}/refund` stores a refund `awaiting_approval`; a dashboard user other than the one who asked approves it (`POST /api/v1/refunds/{id}/approve`, a session only), and only then is it sent to Daraja\'s Reversal API, once. The payment becomes `reversed` when M-Pesa says the money went back (docs/payouts.md "Refunds").',
    'This folder pays 40 KES into the payouts account, asks for its refund, shows a second ask refused while the first is open and a payout refused, and reads the refund alone and in the list.',
  ].join('\n\n'),
  [
    signedRequest({
      name: 'Initiate a payment to refund',
      method: 'POST',
      path: '/api/v1/transactions/initiate',
      body: json(PAYMENT),
      description:
        'Into the account with an initiator (the Reversal API needs one). The test script saves `refundPaymentId`.',
      tests: `${expectStatus(201)}
pm.environment.set('refundPaymentId', pm.response.json().transaction.id);`,
    }),
    signedRequest({
      name: 'Wait for the payment to refund',
      method: 'GET',
      path: '/api/v1/transactions/:id',
      pathVariables: { id: '{{refundPaymentId}}' },
      tests: pollUntilSettled('refundPaymentId', { status: 'completed' }),
    }),
    signedRequest({
      name: 'Refund the payment',
      method: 'POST',
      path: '/api/v1/transactions/:id/refund',
      pathVariables: { id: '{{refundPaymentId}}' },
      body: json({ remarks: 'Returned goods' }),
      description:
        'Nothing is sent yet: every refund waits for a second person. The test script saves `refundId`.',
      tests: `${expectStatus(201)}
${expectRefund}
pm.test('with the remarks and the key that asked', () => {
  pm.expect(refund.remarks).to.equal('Returned goods');
  pm.expect(refund.requestedBy).to.equal('key:' + pm.environment.get('publicKey'));
  pm.expect(refund.decidedBy).to.equal(null);
});
pm.environment.set('refundId', refund.id);`,
    }),
    signedRequest({
      name: 'A second refund of the same payment is refused',
      method: 'POST',
      path: '/api/v1/transactions/:id/refund',
      pathVariables: { id: '{{refundPaymentId}}' },
      tests: `${expectError(409, 'payment_not_refundable')}
pm.test('names the refund in progress', () => pm.expect(pm.response.json().error.details).to.include({ reason: 'refund_in_progress', refundId: pm.environment.get('refundId') }));`,
    }),
    signedRequest({
      name: 'A payout cannot be refunded',
      method: 'POST',
      path: '/api/v1/transactions/:id/refund',
      pathVariables: { id: '{{payoutId}}' },
      description:
        "Daraja's Reversal API gives back received payments only; a payout is reversed on the M-Pesa portal.",
      tests: expectError(422, 'payout_not_reversible'),
    }),
    signedRequest({
      name: 'Get the refund',
      method: 'GET',
      path: '/api/v1/refunds/:id',
      pathVariables: { id: '{{refundId}}' },
      tests: `${expectStatus(200)}
${expectRefund}`,
    }),
    signedRequest({
      name: 'List the refunds of the payment',
      method: 'GET',
      path: '/api/v1/refunds',
      query: [
        { key: 'transactionId', value: '{{refundPaymentId}}' },
        { key: 'status', value: 'awaiting_approval' },
      ],
      tests: `${expectStatus(200)}
pm.test('the refund, alone', () => {
  const { data, nextCursor } = pm.response.json();
  pm.expect(data.map((r) => r.id)).to.eql([pm.environment.get('refundId')]);
  pm.expect(nextCursor).to.equal(null);
});`,
    }),
    signedRequest({
      name: 'A key cannot approve a refund',
      method: 'POST',
      path: '/api/v1/refunds/:id/approve',
      pathVariables: { id: '{{refundId}}' },
      body: json({ note: 'Goods came back' }),
      description:
        'Approval takes a dashboard session of another user: a merchant key alone never moves money out.',
      tests: `pm.test('refused without a session', () => pm.expect([401, 403]).to.include(pm.response.code));
pm.test('in the one error shape', () => pm.expect(pm.response.json().error.code).to.be.a('string'));`,
    }),
  ],
);
