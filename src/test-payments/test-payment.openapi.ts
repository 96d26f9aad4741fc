// Test payments by outcome in the OpenAPI document (routes: test-payment.routes.ts).
import type { Config } from '../config';
import type { ApiSection } from '../core/openapi.types';
import { idempotencyKeyHeader, initiateResponseSchema } from '../payments/transaction.schema';
import { outcomeListSchema, testPaymentBody } from './test-payment.schema';

const BASE = '/api/v1/test-payments';
const TAG = 'Test payments';

export function testPaymentsApi(amount: Config['amount']): ApiSection {
  return {
    tags: [
      {
        name: TAG,
        description:
          'Test mode only: a payment whose simulated customer does what you name (pays, cancels, has no funds, never calls back, …), ' +
          'through a `simulator` account. What the CLI (`mpesa-bridge trigger`) and the dashboard playground start.',
      },
    ],
    operations: [
      {
        method: 'get',
        path: `${BASE}/outcomes`,
        operationId: 'listTestOutcomes',
        tag: TAG,
        summary: 'List the outcomes a test payment can play',
        auth: 'signature',
        responses: { 200: { description: 'Every outcome, `paid` first.', schema: outcomeListSchema } },
      },
      {
        method: 'post',
        path: BASE,
        operationId: 'createTestPayment',
        tag: TAG,
        summary: 'Start a test payment that ends as named',
        description:
          'An initiate like any other (the same answer, `Idempotency-Key`, callbacks, events and webhooks), with the phone chosen for the ' +
          'outcome. Signed with test keys, through the project’s test account, which must be a `simulator` account.',
        auth: 'signature',
        headers: { 'Idempotency-Key': { schema: idempotencyKeyHeader, required: false } },
        body: testPaymentBody(amount),
        responses: {
          201: {
            description:
              'The simulator accepted the push; the transaction is `pending` until its outcome plays.',
            schema: initiateResponseSchema,
          },
        },
        errors: [
          'test_mode_only',
          'test_outcome_unavailable',
          'idempotency_key_reused',
          'mpesa_subscriber_busy',
          'mpesa_unavailable',
          'mpesa_account_missing',
        ],
      },
    ],
  };
}
