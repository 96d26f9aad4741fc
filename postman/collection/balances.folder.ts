// Balances (signed): Daraja's Account Balance for the payouts account (`payoutAccountId`, added
// by the Payouts folder with its initiator). The answer comes later: the simulator posts the
// result back, and the check is followed until it settles.
import { expectStatus, signedRequest } from './checks';
import { folder, json } from './postman-format';

/** Reads the check saved as `balanceCheckId` again until it leaves `pending`. */
const pollCheck = `
pm.test('status 200', () => pm.response.to.have.status(200));
const check = pm.response.json().balanceCheck;
const counter = 'attempts:' + check.id;
const attempt = Number(pm.collectionVariables.get(counter) || 0) + 1;
if (check.status === 'pending' && attempt < 40) {
  pm.collectionVariables.set(counter, String(attempt));
  pm.execution.setNextRequest(pm.info.requestName);
  setTimeout(() => {}, 500);
} else {
  pm.collectionVariables.unset(counter);
  pm.test('succeeded, with named accounts in exact cents', () => {
    pm.expect(check.status).to.equal('succeeded');
    pm.expect(check.accounts.map((a) => a.name)).to.include('Utility Account');
    pm.expect(check.accounts.every((a) => Number.isInteger(a.availableCents))).to.equal(true);
    pm.expect(check.raw).to.be.a('string').that.is.not.empty;
  });
}`;

export const balancesFolder = folder(
  'Balances (signed)',
  [
    'An M-Pesa account\'s balances from Daraja\'s Account Balance API: `POST /api/v1/balances` asks (the answer comes later), `GET /api/v1/balances/{id}` follows the check (`pending` → `succeeded` | `failed`), `GET /api/v1/balances` shows the latest check of each account, the payouts waiting to go and a warning when the Utility account holds less (docs/payouts.md "Balances").',
    'This folder asks about the payouts account and follows the check until the simulator answers.',
  ].join('\n\n'),
  [
    signedRequest({
      name: 'Ask for the balances',
      method: 'POST',
      path: '/api/v1/balances',
      body: json({ account: '{{payoutAccountId}}' }),
      description: "With the account's initiator. The test script saves `balanceCheckId`.",
      tests: `${expectStatus(202)}
const check = pm.response.json().balanceCheck;
pm.test('a check, pending', () => {
  pm.expect(check.id).to.match(/^bal_/);
  pm.expect(check.accountId).to.equal(pm.environment.get('payoutAccountId'));
  pm.expect(check.status).to.equal('pending');
});
pm.environment.set('balanceCheckId', check.id);`,
    }),
    signedRequest({
      name: 'Get the check until it settles',
      method: 'GET',
      path: '/api/v1/balances/:id',
      pathVariables: { id: '{{balanceCheckId}}' },
      tests: pollCheck,
    }),
    signedRequest({
      name: 'The latest balances of each account',
      method: 'GET',
      path: '/api/v1/balances',
      tests: `${expectStatus(200)}
const body = pm.response.json();
pm.test('the check among the latest, and the payouts waiting', () => {
  pm.expect(body.data.map((c) => c.id)).to.include(pm.environment.get('balanceCheckId'));
  pm.expect(body.waitingPayouts.count).to.be.a('number');
  pm.expect(body.warnings).to.be.an('array');
});`,
    }),
  ],
);
