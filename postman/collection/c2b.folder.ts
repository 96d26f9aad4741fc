// C2B (signed, and the simulator's customer): till and PayBill payments the customer starts from
// the M-Pesa menu (docs/c2b.md). A simulator PayBill account switches C2B on, a customer pays it
// through the simulator's customer action, the payment is found by its receipt; then Pull
// Transactions catches up a payment whose confirmation never arrived.
import { expectStatus, signedRequest } from './checks';
import { folder, header, json, request } from './postman-format';

const SHORTCODE = '600950';
const ACCOUNT = {
  name: 'Postman C2B PayBill',
  environment: 'simulator',
  consumerKey: 'postman-c2b-key-0001',
  consumerSecret: 'postman-c2b-secret-0001',
  shortcode: SHORTCODE,
  passkey: 'postman-c2b-passkey-000000000000000000000001',
};

const customerPays = (name: string, extra: Record<string, unknown>, tests: string) =>
  request({
    name,
    method: 'POST',
    path: '/simulator/__simulator/c2b/payments',
    headers: [header('Content-Type', 'application/json')],
    body: json({
      shortCode: SHORTCODE,
      amount: 75,
      msisdn: '254712345678',
      billRefNumber: 'POSTMAN-C2B',
      consumerKey: ACCOUNT.consumerKey,
      ...extra,
    }),
    description:
      'Not Daraja: the simulator plays a customer paying the PayBill from the M-Pesa menu (no token: the customer is not the merchant).',
    tests,
  });

export const c2bFolder = folder(
  'C2B: till and PayBill payments (signed)',
  [
    'Payments the customer starts from the M-Pesa menu or a QR (Daraja’s C2B). Switching C2B on registers the service’s confirmation and validation URLs with Daraja (here: the simulator); every confirmation becomes a payment (`origin: "c2b"`, event `transaction.received`).',
    'Safaricom never sends a confirmation twice: Pull Transactions (`PUT …/c2b/pull`, then periodically or `POST …/c2b/pull/runs`) fills those that never arrived (`c2b.via: "pull"`).',
  ].join('\n\n'),
  [
    signedRequest({
      name: 'Add a C2B PayBill account',
      method: 'POST',
      path: '/api/v1/mpesa-accounts',
      body: json(ACCOUNT),
      tests: `${expectStatus(201)}
pm.environment.set('c2bAccountId', pm.response.json().account.id);`,
    }),
    signedRequest({
      name: 'Switch C2B on',
      method: 'POST',
      path: '/api/v1/mpesa-accounts/:id/c2b',
      pathVariables: { id: '{{c2bAccountId}}' },
      body: json({ version: 'v2', responseType: 'Completed' }),
      tests: `${expectStatus(200)}
pm.test('C2B is on, v2', () => pm.expect(pm.response.json().c2b).to.include({ enabled: true, version: 'v2' }));`,
    }),
    customerPays(
      'A customer pays the PayBill (simulator)',
      {},
      `${expectStatus(200)}
const paid = pm.response.json();
pm.test('completed, its confirmation delivered', () => {
  pm.expect(paid.status).to.equal('completed');
  pm.expect(paid.confirmation).to.include({ sent: true, delivered: true });
});
pm.environment.set('c2bReceipt', paid.transId);`,
    ),
    signedRequest({
      name: 'Find the walk-in payment by its receipt',
      method: 'GET',
      path: '/api/v1/transactions',
      query: [{ key: 'receipt', value: '{{c2bReceipt}}' }],
      tests: `${expectStatus(200)}
const [payment] = pm.response.json().data;
pm.test('one C2B payment, by confirmation', () => {
  pm.expect(payment).to.include({ origin: 'c2b', channel: 'paybill', status: 'completed', amount: 75 });
  pm.expect(payment.c2b.via).to.equal('confirmation');
});`,
    }),
    signedRequest({
      name: 'List PayBill payments from the menu',
      method: 'GET',
      path: '/api/v1/transactions',
      query: [{ key: 'channel', value: 'paybill' }],
      tests: `${expectStatus(200)}
pm.test('only C2B PayBill payments', () => pm.response.json().data.forEach((p) => pm.expect(p).to.include({ origin: 'c2b', channel: 'paybill' })));`,
    }),
    signedRequest({
      name: 'Switch Pull Transactions on',
      method: 'PUT',
      path: '/api/v1/mpesa-accounts/:id/c2b/pull',
      pathVariables: { id: '{{c2bAccountId}}' },
      body: json({ enabled: true, nominatedNumber: '0722000000' }),
      tests: `${expectStatus(200)}
pm.test('Pull is on', () => pm.expect(pm.response.json().c2b.pull).to.include({ enabled: true, nominatedNumber: '254722000000' }));`,
    }),
    customerPays(
      'A customer pays; the confirmation is lost (simulator)',
      { amount: 76, loseConfirmation: true },
      `${expectStatus(200)}
const paid = pm.response.json();
pm.test('completed, never confirmed', () => pm.expect(paid.confirmation.sent).to.equal(false));
pm.environment.set('c2bLostReceipt', paid.transId);`,
    ),
    signedRequest({
      name: 'Pull now',
      method: 'POST',
      path: '/api/v1/mpesa-accounts/:id/c2b/pull/runs',
      pathVariables: { id: '{{c2bAccountId}}' },
      tests: `${expectStatus(200)}
pm.test('the lost one is filled, the confirmed one left alone', () => pm.expect(pm.response.json().pull).to.include({ filled: 1, alreadyHeld: 1 }));`,
    }),
    signedRequest({
      name: 'Find the pulled payment',
      method: 'GET',
      path: '/api/v1/transactions',
      query: [{ key: 'receipt', value: '{{c2bLostReceipt}}' }],
      tests: `${expectStatus(200)}
const [payment] = pm.response.json().data;
pm.test('one payment, by pull', () => pm.expect(payment.c2b.via).to.equal('pull'));`,
    }),
    signedRequest({
      name: 'Switch C2B off',
      method: 'DELETE',
      path: '/api/v1/mpesa-accounts/:id/c2b',
      pathVariables: { id: '{{c2bAccountId}}' },
      tests: `${expectStatus(200)}
pm.test('C2B is off', () => pm.expect(pm.response.json().c2b.enabled).to.equal(false));`,
    }),
  ],
);
