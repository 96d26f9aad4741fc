// Payouts (signed): money out to a phone (B2C), a PayBill with an account number, or a till
// (supplier payments, B2B), on one ledger. A simulator account with an initiator pays out; the
// operator turns test payouts on (admin token); the simulator then plays Daraja's B2C and B2B and
// posts each result back, so the payouts settle during the run.
import { expectError, expectStatus, signedHeaders, signedRequest } from './checks';
import { bearer, folder, header, json, request } from './postman-format';

const ACCOUNT = {
  name: 'Postman payouts',
  environment: 'simulator',
  consumerKey: 'postman-payouts-key-0001',
  consumerSecret: 'postman-payouts-secret-0001',
  shortcode: '600910',
  passkey: 'postman-passkey-0000000000000000000000000002',
  initiatorName: 'testapi',
  initiatorPassword: 'Postman-Initiator#0001',
};

const expectPayout = (channel: string) => `
const payout = pm.response.json().payout;
pm.test('a ${channel} payout, sent once', () => {
  pm.expect(payout.id).to.match(/^po_/);
  pm.expect(payout.channel).to.equal('${channel}');
  pm.expect(['submitted', 'succeeded']).to.include(payout.status);
});`;

/** Reads the payout saved as `payoutId` again until it settles (Collection Runner and newman). */
const pollPayout = `
pm.test('status 200', () => pm.response.to.have.status(200));
const payout = pm.response.json().payout;
const counter = 'attempts:' + payout.id;
const attempt = Number(pm.collectionVariables.get(counter) || 0) + 1;
if (!['succeeded', 'failed'].includes(payout.status) && attempt < 40) {
  pm.collectionVariables.set(counter, String(attempt));
  pm.execution.setNextRequest(pm.info.requestName);
  setTimeout(() => {}, 500);
} else {
  pm.collectionVariables.unset(counter);
  pm.test('the supplier payment succeeded with a receipt', () => {
    pm.expect(payout.status).to.equal('succeeded');
    pm.expect(payout.mpesaReceiptNumber).to.match(/^[A-Z0-9]{10}$/);
  });
}`;

export const payoutsFolder = folder(
  'Payouts (signed)',
  [
    'Money out: `POST /api/v1/payouts` to a `phone` (B2C), a `paybill` with its `accountNumber`, or a `till` (supplier payments, B2B). Off until an operator turns payouts on; capped per payout and per day; approved by a second person (a dashboard session) when the policy says so; sent to Daraja at most once (docs/payouts.md).',
    'This folder adds a simulator account with an initiator, turns test payouts on with the admin token, pays a PayBill and a till, follows the PayBill payment to its result, then sends a batch: one with a bad row is refused whole (naming its line and field), a good one is paid row by row and exported as CSV.',
  ].join('\n\n'),
  [
    signedRequest({
      name: 'Add a payout account (with an initiator)',
      method: 'POST',
      path: '/api/v1/mpesa-accounts',
      body: json(ACCOUNT),
      description:
        'The initiator password is sealed and never comes back. The test script saves `payoutAccountId`.',
      tests: `${expectStatus(201)}
const account = pm.response.json().account;
pm.test('the initiator password never comes back', () => pm.expect(JSON.stringify(pm.response.json())).to.not.include('${ACCOUNT.initiatorPassword}'));
pm.environment.set('payoutAccountId', account.id);`,
    }),
    request({
      name: 'Turn test payouts on (operator)',
      method: 'PUT',
      path: '/api/v1/projects/:id/payout-settings',
      pathVariables: { id: '{{projectId}}' },
      auth: bearer('{{adminToken}}'),
      body: json({ mode: 'test', enabled: true, perPayoutMax: 10_000, dailyMax: 100_000, approval: 'none' }),
      description: 'Only an operator changes these: a merchant key cannot raise its own caps.',
      tests: `${expectStatus(200)}
pm.test('on, with the caps asked', () => pm.expect(pm.response.json().settings).to.include({ enabled: true, perPayoutMax: 10000, approval: 'none' }));`,
    }),
    signedRequest({
      name: 'Pay a PayBill (supplier payment)',
      method: 'POST',
      path: '/api/v1/payouts',
      headers: [...signedHeaders, header('Idempotency-Key', 'postman-supplier-inv-88')],
      body: json({
        paybill: '888880',
        accountNumber: 'INV-88',
        amount: 2500,
        remarks: 'Supplier invoice 88',
        account: '{{payoutAccountId}}',
      }),
      description:
        "BusinessPayBill from the account's shortcode. The same Idempotency-Key answers the same payout. The test script saves `payoutId`.",
      tests: `pm.test('status 201', () => pm.response.to.have.status(201));
${expectPayout('b2b_paybill')}
pm.test('the PayBill and account number', () => pm.expect(payout).to.include({ paybill: '888880', accountNumber: 'INV-88', phone: null }));
pm.environment.set('payoutId', payout.id);`,
    }),
    signedRequest({
      name: 'Pay a till (supplier payment)',
      method: 'POST',
      path: '/api/v1/payouts',
      body: json({ till: '5123456', amount: 700, remarks: 'Stock top-up', account: '{{payoutAccountId}}' }),
      description: 'BusinessBuyGoods.',
      tests: `pm.test('status 201', () => pm.response.to.have.status(201));
${expectPayout('b2b_till')}`,
    }),
    signedRequest({
      name: 'A payout with two recipients is refused',
      method: 'POST',
      path: '/api/v1/payouts',
      body: json({ paybill: '888880', accountNumber: 'INV-88', till: '5123456', amount: 100 }),
      tests: `${expectError(400, 'validation_failed')}
pm.test('names the field', () => pm.expect(pm.response.json().error.details.fields[0].field).to.equal('till'));`,
    }),
    signedRequest({
      name: 'Get the PayBill payment until it settles',
      method: 'GET',
      path: '/api/v1/payouts/:id',
      pathVariables: { id: '{{payoutId}}' },
      tests: pollPayout,
    }),
    signedRequest({
      name: 'Its history',
      method: 'GET',
      path: '/api/v1/payouts/:id/history',
      pathVariables: { id: '{{payoutId}}' },
      tests: `${expectStatus(200)}
pm.test('requested, submitted, succeeded', () => pm.expect(pm.response.json().statusChanges.map((c) => c.toStatus)).to.eql(['requested', 'submitted', 'succeeded']));`,
    }),
    signedRequest({
      name: 'List supplier payments to PayBills',
      method: 'GET',
      path: '/api/v1/payouts',
      query: [{ key: 'channel', value: 'b2b_paybill' }],
      tests: `${expectStatus(200)}
pm.test('only PayBill payments, ours among them', () => {
  const page = pm.response.json().data;
  pm.expect(page.map((p) => p.id)).to.include(pm.environment.get('payoutId'));
  pm.expect(page.every((p) => p.channel === 'b2b_paybill')).to.equal(true);
});`,
    }),
    signedRequest({
      name: 'A batch with a bad row is refused whole',
      method: 'POST',
      path: '/api/v1/payout-batches',
      body: json({
        csv: 'phone,amount,remarks,reference\n0708374149,1500,Salary March,EMP-1\n0708374150,lots,Salary March,EMP-2\n',
        account: '{{payoutAccountId}}',
      }),
      description:
        'Every row is checked before anything is stored: one bad row refuses the batch, and `details.rows` names each bad row by its line (the header is line 1) and field. Nothing reaches Daraja.',
      tests: `${expectError(422, 'payout_batch_invalid')}
const rows = pm.response.json().error.details.rows;
pm.test('names line 3 and its amount, and no other row', () => {
  pm.expect(rows.map((row) => row.line)).to.eql([3]);
  pm.expect(rows[0].fields[0].field).to.equal('amount');
});`,
    }),
    signedRequest({
      name: 'Pay a batch',
      method: 'POST',
      path: '/api/v1/payout-batches',
      headers: [...signedHeaders, header('Idempotency-Key', 'postman-payroll-march')],
      body: json({
        rows: [
          { phone: '0708374149', amount: 1500, remarks: 'Salary March', metadata: { reference: 'EMP-1' } },
          { phone: '0700000202', amount: 900, remarks: 'Salary March', metadata: { reference: 'EMP-2' } },
        ],
        account: '{{payoutAccountId}}',
      }),
      description:
        'Stored as two ordinary payouts, then sent one at a time at `PAYOUT_BATCH_PACE`. The second phone plays "not a registered customer" on the simulator. The test script saves `payoutBatchId`.',
      tests: `pm.test('status 201', () => pm.response.to.have.status(201));
const answer = pm.response.json();
pm.test('two rows, sending', () => {
  pm.expect(answer.batch).to.include({ status: 'sending', rowCount: 2, total: 2400 });
  pm.expect(answer.rows.map((row) => row.line)).to.eql([1, 2]);
});
pm.environment.set('payoutBatchId', answer.batch.id);`,
    }),
    signedRequest({
      name: 'Get the batch until its rows settle',
      method: 'GET',
      path: '/api/v1/payout-batches/:id',
      pathVariables: { id: '{{payoutBatchId}}' },
      tests: `pm.test('status 200', () => pm.response.to.have.status(200));
const answer = pm.response.json();
const attempt = Number(pm.collectionVariables.get('attempts:batch') || 0) + 1;
const settled = answer.batch.status === 'sent' && !answer.batch.counts.submitted;
if (!settled && attempt < 40) {
  pm.collectionVariables.set('attempts:batch', String(attempt));
  pm.execution.setNextRequest(pm.info.requestName);
  setTimeout(() => {}, 500);
} else {
  pm.collectionVariables.unset('attempts:batch');
  pm.test('one paid, one failed, each with its own outcome', () => {
    pm.expect(answer.batch.counts).to.eql({ succeeded: 1, failed: 1 });
    pm.expect(answer.rows.map((row) => row.payout.status)).to.eql(['succeeded', 'failed']);
  });
}`,
    }),
    signedRequest({
      name: 'Export the batch as CSV',
      method: 'GET',
      path: '/api/v1/payout-batches/:id',
      pathVariables: { id: '{{payoutBatchId}}' },
      query: [{ key: 'format', value: 'csv' }],
      tests: `${expectStatus(200)}
pm.test('a line per row, with its outcome', () => {
  const lines = pm.response.text().trim().split('\\r\\n');
  pm.expect(lines).to.have.length(3);
  pm.expect(lines[1]).to.match(/^1,po_\\w+,254708374149,,,1500,succeeded,/);
  pm.expect(lines[2]).to.match(/^2,po_\\w+,254700000202,,,900,failed,/);
});`,
    }),
  ],
);
