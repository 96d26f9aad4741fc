// Test payments by outcome: what the CLI's `trigger` and the dashboard's playground start.
// A test payment is an initiate like any other (same answer, same Idempotency-Key store, same
// callbacks and webhooks); only the phone is chosen for the outcome asked for.
import { scopeOf, type Scope } from '../core/scope';
import type { Config } from '../config';
import { AppError } from '../errors';
import { defineOperation, type FeatureApi } from '../core/operation';
import type { PaymentAccounts } from '../mpesa/mpesa.account';
import { DEFAULT_OUTCOME, phoneForOutcome, SIMULATED_OUTCOMES } from '../simulator/simulator.outcomes';
import {
  B2C_PAID_PHONE,
  DEFAULT_B2C_OUTCOME,
  SIMULATED_B2C_OUTCOMES,
} from '../simulator/simulator.b2c-outcomes';
import {
  B2B_PAID_SHORTCODE,
  DEFAULT_B2B_OUTCOME,
  SIMULATED_B2B_OUTCOMES,
} from '../simulator/simulator.b2b-outcomes';
import {
  idempotencyKeyHeader,
  initiateResponseSchema,
  type InitiateInput,
} from '../payments/transaction.schema';
import { outcomeListSchema, testPaymentBody } from './test-payment.schema';

/** Initiate as the transactions feature runs it; composition (app.ts) passes that service in. */
export interface PaymentInitiator {
  initiate(
    scope: Scope,
    input: InitiateInput,
    idempotencyKey?: string,
  ): Promise<{ httpStatus: number; body: unknown }>;
}

export interface TestPaymentsDeps {
  transactions: PaymentInitiator;
  accounts: PaymentAccounts;
}

const BASE = '/api/v1/test-payments';
const TAG = 'Test payments';
const operation = defineOperation<TestPaymentsDeps>();

export function testPaymentsApi(amount: Config['amount']): FeatureApi<TestPaymentsDeps> {
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
      operation({
        method: 'get',
        path: `${BASE}/outcomes`,
        operationId: 'listTestOutcomes',
        tag: TAG,
        summary: 'List the outcomes a test payment can play',
        auth: 'signature',
        rateLimit: 'perProject',
        responses: { 200: { description: 'Every outcome, `paid` first.', schema: outcomeListSchema } },
        sample: {
          sdk: {
            node: 'transactions.testOutcomes',
            python: 'transactions.test_outcomes',
            php: 'transactions.testOutcomes',
          },
        },
        handler: ({ res }) => {
          res.json({
            data: [DEFAULT_OUTCOME, ...SIMULATED_OUTCOMES].map(({ name, summary }) => ({ name, summary })),
            payouts: [{ ...DEFAULT_B2C_OUTCOME, phoneNumber: B2C_PAID_PHONE }, ...SIMULATED_B2C_OUTCOMES]
              .map(
                ({ name, phoneNumber, summary }): { name: string; recipient: string; summary: string } => ({
                  name,
                  // Typed as a merchant types it: 0700000202.
                  recipient: `0${phoneNumber.slice(3)}`,
                  summary,
                }),
              )
              .concat(
                [{ ...DEFAULT_B2B_OUTCOME, shortcode: B2B_PAID_SHORTCODE }, ...SIMULATED_B2B_OUTCOMES].map(
                  ({ name, shortcode, summary }) => ({ name, recipient: shortcode, summary }),
                ),
              ),
          });
        },
      }),
      operation({
        method: 'post',
        path: BASE,
        operationId: 'createTestPayment',
        tag: TAG,
        summary: 'Start a test payment that ends as named',
        description:
          'An initiate like any other (the same answer, `Idempotency-Key`, callbacks, events and webhooks), with the phone chosen for the ' +
          'outcome. Signed with test keys, through the project’s test account, which must be a `simulator` account.',
        auth: 'signature',
        rateLimit: 'perProject',
        idempotent: true,
        precondition: (req) => {
          if (scopeOf(req).mode !== 'test')
            throw new AppError(
              'test_mode_only',
              'Test payments are for test mode: sign with the test keys (pk_test_…)',
            );
        },
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
        sample: {
          sdk: {
            node: 'transactions.initiateTest',
            python: 'transactions.initiate_test',
            php: 'transactions.initiateTest',
            idempotencyKeyOption: true,
          },
          body: { outcome: 'paid', amount: 10 },
          headers: { 'Idempotency-Key': 'order-1002' },
        },
        handler: async ({ deps, req, res, body, headers }) => {
          const scope = scopeOf(req);
          const { outcome, ...input } = body;
          const account = await deps.accounts.forPayment(scope, input.account);
          if (account.environment !== 'simulator') {
            throw new AppError(
              'test_outcome_unavailable',
              `This payment would go to Daraja's ${account.environment}, whose customers the simulator does not play: use a simulator account`,
              {
                environment: account.environment,
              },
            );
          }
          const result = await deps.transactions.initiate(
            scope,
            { ...input, phone: phoneForOutcome(outcome)! },
            headers['Idempotency-Key'],
          );
          res.status(result.httpStatus).json(result.body);
        },
      }),
    ],
  };
}
