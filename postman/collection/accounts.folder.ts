// M-Pesa accounts (signed): the project's own Daraja accounts. With the test keys of the
// Projects folder they are simulator or sandbox accounts; a simulator account registers its app
// with the service's simulator, so any consumer key and secret work, and the simulator then
// checks each push's Password against this account's own passkey.
import { expectError, expectStatus, expectTransactionShape, signedRequest } from './checks';
import { folder, json } from './postman-format';

const ACCOUNT = {
  name: 'Postman PayBill',
  environment: 'simulator',
  consumerKey: 'postman-consumer-key-0001',
  consumerSecret: 'postman-consumer-secret-0001',
  shortcode: '600900',
  passkey: 'postman-passkey-0000000000000000000000000001',
  tillNumber: '6009001',
};

const expectMasked = `
pm.test('credentials come back masked, never whole', () => {
  pm.expect(account.consumerSecret).to.equal('••••0001');
  pm.expect(account.passkey).to.equal('••••0001');
  pm.expect(JSON.stringify(pm.response.json())).to.not.include('${ACCOUNT.passkey}');
});
`;

export const accountsFolder = folder(
  'M-Pesa accounts (signed)',
  [
    'Where the project collects: its own Daraja accounts, one app (consumer key and secret) on one environment each, with the PayBill or Head Office shortcode and its passkey, and optionally a till. Test keys manage `simulator` and `sandbox` accounts, live keys `production` ones.',
    "A sandbox or production account is checked with an OAuth call to Daraja before it is kept. A project without an account of a mode uses the deployment's own `MPESA_*` account when it is of that mode.",
  ].join('\n\n'),
  [
    signedRequest({
      name: 'Add M-Pesa account',
      method: 'POST',
      path: '/api/v1/mpesa-accounts',
      body: json(ACCOUNT),
      description:
        'A simulator account with a till; the first account of a mode becomes its default. The test script saves `accountId`.',
      tests: `${expectStatus(201)}
const account = pm.response.json().account;
pm.test('a test-mode default account', () => {
  pm.expect(account.id).to.match(/^acc_/);
  pm.expect(account).to.include({ environment: 'simulator', mode: 'test', shortcode: '${ACCOUNT.shortcode}', tillNumber: '${ACCOUNT.tillNumber}', isDefault: true });
});
${expectMasked}
pm.environment.set('accountId', account.id);`,
    }),
    signedRequest({
      name: 'List M-Pesa accounts',
      method: 'GET',
      path: '/api/v1/mpesa-accounts',
      tests: `${expectStatus(200)}
pm.test('the new account is listed', () => pm.expect(pm.response.json().data.map((a) => a.id)).to.include(pm.environment.get('accountId')));`,
    }),
    signedRequest({
      name: 'Rename M-Pesa account',
      method: 'PATCH',
      path: '/api/v1/mpesa-accounts/:id',
      pathVariables: { id: '{{accountId}}' },
      body: json({ name: 'Postman till' }),
      description: 'New consumer key or secret would be checked like a new account.',
      tests: `${expectStatus(200)}
const account = pm.response.json().account;
pm.test('renamed', () => pm.expect(account.name).to.equal('Postman till'));
${expectMasked}`,
    }),
    signedRequest({
      name: 'Initiate a till payment into the account',
      method: 'POST',
      path: '/api/v1/transactions/initiate',
      body: json({
        phone: '0712345678',
        amount: 10,
        accountReference: 'TILL-1',
        account: '{{accountId}}',
        channel: 'till',
      }),
      description:
        "Buy Goods: the till is PartyB, the Head Office shortcode BusinessShortCode, and the Password is built from this account's passkey.",
      tests: `${expectStatus(201)}
const transaction = pm.response.json().transaction;
${expectTransactionShape}
pm.test('pending, paid to the till', () => pm.expect(transaction).to.include({ status: 'pending', channel: 'till' }));`,
    }),
    signedRequest({
      name: 'Add a production account with a test key',
      method: 'POST',
      path: '/api/v1/mpesa-accounts',
      body: json({ ...ACCOUNT, environment: 'production' }),
      description: 'A test key manages simulator and sandbox accounts only: `400 validation_failed`.',
      tests: expectError(400, 'validation_failed'),
    }),
    signedRequest({
      name: 'Delete M-Pesa account',
      method: 'DELETE',
      path: '/api/v1/mpesa-accounts/:id',
      pathVariables: { id: '{{accountId}}' },
      description: 'New payments can no longer name it; the payment above still reconciles through it.',
      tests: expectStatus(204),
    }),
    signedRequest({
      name: 'Get the deleted M-Pesa account',
      method: 'GET',
      path: '/api/v1/mpesa-accounts/:id',
      pathVariables: { id: '{{accountId}}' },
      tests: expectError(404, 'mpesa_account_not_found'),
    }),
  ],
);
