// Checkout: a payment link made with the signed API, read and paid through its public page API
// (no key), then switched off; a checkout session created and read with its client secret.
import { expectError, expectStatus, signedRequest } from './checks';
import { folder, header, json, request } from './postman-format';

export const checkoutFolder = folder(
  'Checkout',
  'Payment links and checkout sessions (docs/checkout.md). The link and session are made with the signed API; the public page API needs no key (a session needs its `X-Client-Secret`).',
  [
    signedRequest({
      name: 'Create a payment link',
      method: 'POST',
      path: '/api/v1/payment-links',
      body: json({ title: 'Yoga class', amount: 500, referenceTemplate: 'YOGA-{n}' }),
      tests: `${expectStatus(201)}
const link = pm.response.json().link;
pm.environment.set('linkId', link.id);
pm.environment.set('linkSlug', link.slug);
pm.test('active, fixed at 500, with its URL and QR codes', () => {
  pm.expect(link).to.include({ state: 'active', amountType: 'fixed', amount: 500, uses: 0 });
  pm.expect(link.url).to.match(/\\/l\\/[a-z2-9]{8}$/);
  pm.expect(link.qr.svg).to.equal(link.url + '/qr');
});`,
    }),
    request({
      name: 'Read the link as its page does (no key)',
      method: 'GET',
      path: '/api/v1/checkout/links/{{linkSlug}}',
      tests: `${expectStatus(200)}
const link = pm.response.json().link;
pm.test('the merchant, the amount rule and the test banner, nothing else of the project', () => {
  pm.expect(link).to.include({ mode: 'test', state: 'active' });
  pm.expect(link.amount).to.eql({ type: 'fixed', value: 500, min: 500, max: 500 });
  pm.expect(link).to.not.have.property('metadata');
});`,
    }),
    request({
      name: 'Pay through the link (the STK Push)',
      method: 'POST',
      path: '/api/v1/checkout/links/{{linkSlug}}/pay',
      headers: [header('Content-Type', 'application/json')],
      body: json({ phone: '0712345678' }),
      tests: `${expectStatus(201)}
const body = pm.response.json();
pm.environment.set('checkoutSessionId', body.session.id);
pm.environment.set('checkoutSessionSecret', body.sessionClientSecret);
pm.test('a session with the numbered reference, its prompt pending', () => {
  pm.expect(body.session).to.include({ amount: 500, accountReference: 'YOGA-1', state: 'pending' });
  pm.expect(body.session.payment.transaction.status).to.equal('pending');
});`,
    }),
    request({
      name: 'Pay a fixed link another amount (refused)',
      method: 'POST',
      path: '/api/v1/checkout/links/{{linkSlug}}/pay',
      headers: [header('Content-Type', 'application/json')],
      body: json({ phone: '0712345678', amount: 1 }),
      tests: expectError(400, 'validation_failed'),
    }),
    signedRequest({
      name: "The link's payments",
      method: 'GET',
      path: '/api/v1/payment-links/{{linkId}}/payments',
      tests: `${expectStatus(200)}
pm.test('the payment made through it', () => pm.expect(pm.response.json().data[0].accountReference).to.equal('YOGA-1'));`,
    }),
    signedRequest({
      name: 'Switch the link off',
      method: 'PATCH',
      path: '/api/v1/payment-links/{{linkId}}',
      body: json({ disabled: true }),
      tests: `${expectStatus(200)}
pm.test('disabled', () => pm.expect(pm.response.json().link.state).to.equal('disabled'));`,
    }),
    request({
      name: 'Pay a switched-off link (refused)',
      method: 'POST',
      path: '/api/v1/checkout/links/{{linkSlug}}/pay',
      headers: [header('Content-Type', 'application/json')],
      body: json({ phone: '0712345678' }),
      tests: expectError(410, 'payment_link_disabled'),
    }),
    signedRequest({
      name: 'Create a checkout session',
      method: 'POST',
      path: '/api/v1/checkout-sessions',
      body: json({ amount: 1500, accountReference: 'INV-9', title: 'Order 9' }),
      tests: `${expectStatus(201)}
const session = pm.response.json();
pm.environment.set('checkoutSessionId', session.id);
pm.environment.set('checkoutSessionSecret', session.clientSecret);
pm.test('{id, url, clientSecret, expiresAt}, the secret in the fragment', () => {
  pm.expect(session.url).to.equal(pm.environment.get('baseUrl') + '/c/' + session.id + '#' + session.clientSecret);
  pm.expect(session.state).to.equal('open');
  pm.expect(Date.parse(session.expiresAt)).to.be.above(Date.now());
});`,
    }),
    request({
      name: 'Read the session as its page does (client secret)',
      method: 'GET',
      path: '/api/v1/checkout/sessions/{{checkoutSessionId}}',
      headers: [header('X-Client-Secret', '{{checkoutSessionSecret}}')],
      tests: `${expectStatus(200)}
pm.test('open, at the amount the server set', () => pm.expect(pm.response.json().session).to.include({ state: 'open', amount: 1500 }));`,
    }),
    request({
      name: 'Read the session without its secret (not found)',
      method: 'GET',
      path: '/api/v1/checkout/sessions/{{checkoutSessionId}}',
      tests: expectError(404, 'checkout_session_not_found'),
    }),
  ],
);
