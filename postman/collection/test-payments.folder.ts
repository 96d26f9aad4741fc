// Test payments: name the outcome, the simulator plays it (test keys, simulator accounts only).
import { expectError, expectStatus, expectTransactionShape, signedRequest } from './checks';
import { folder, json } from './postman-format';

export const testPaymentsFolder = folder(
  'Test payments',
  'Test mode only: start a payment whose simulated customer does what you name. `GET` lists the outcomes; `POST` answers exactly as initiate does.',
  [
    signedRequest({
      name: 'List test outcomes',
      method: 'GET',
      path: '/api/v1/test-payments/outcomes',
      tests: `${expectStatus(200)}
const outcomes = pm.response.json().data;
pm.test('paid first, cancelled among them, each with a summary', () => {
  pm.expect(outcomes[0].name).to.equal('paid');
  pm.expect(outcomes.map((outcome) => outcome.name)).to.include('cancelled');
  outcomes.forEach((outcome) => pm.expect(outcome.summary).to.be.a('string').that.is.not.empty);
});`,
    }),
    signedRequest({
      name: 'Start a test payment the customer cancels',
      method: 'POST',
      path: '/api/v1/test-payments',
      body: json({ outcome: 'cancelled', amount: 10 }),
      description:
        'Ends `cancelled` (1032) once the simulator calls back: follow it with "Get transaction" or a webhook.',
      tests: `${expectStatus(201)}
const transaction = pm.response.json().transaction;
${expectTransactionShape}
pm.test('pending, in test mode, with the default reference', () => pm.expect(transaction).to.include({ status: 'pending', mode: 'test', accountReference: 'TEST' }));`,
    }),
    signedRequest({
      name: 'Start a test payment with an unknown outcome',
      method: 'POST',
      path: '/api/v1/test-payments',
      body: json({ outcome: 'rich-uncle' }),
      tests: expectError(400, 'validation_failed'),
    }),
  ],
);
