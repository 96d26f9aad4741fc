// Test payments by outcome: what the CLI's `trigger` and the dashboard's playground start.
// A test payment is an initiate like any other (same answer, same Idempotency-Key store, same
// callbacks and webhooks); only the phone is chosen for the outcome asked for.
import { Router } from 'express';
import { scopeOf, type Scope } from '../core/scope';
import type { PaymentAccounts } from '../mpesa/mpesa.account';
import type { Config } from '../config';
import { AppError } from '../errors';
import { DEFAULT_OUTCOME, phoneForOutcome, SIMULATED_OUTCOMES } from '../simulator/simulator.outcomes';
import { idempotencyKeyHeader, type InitiateInput } from '../payments/transaction.schema';
import { parseOrThrow } from '../validation';
import { testPaymentBody } from './test-payment.schema';

/** Answers a repeat with the same Idempotency-Key from initiate's store (see merchant-auth.ts). */
export const TEST_PAYMENT_PATH = '/';

/** Initiate as the transactions feature runs it; composition (app.ts) passes that service in. */
export interface PaymentInitiator {
  initiate(
    scope: Scope,
    input: InitiateInput,
    idempotencyKey?: string,
  ): Promise<{ httpStatus: number; body: unknown }>;
}

export function createTestPaymentRoutes(deps: {
  transactions: PaymentInitiator;
  accounts: PaymentAccounts;
  amount: Config['amount'];
}): Router {
  const body = testPaymentBody(deps.amount);
  const router = Router();

  router.get('/outcomes', (_req, res) => {
    res.json({
      data: [DEFAULT_OUTCOME, ...SIMULATED_OUTCOMES].map(({ name, summary }) => ({ name, summary })),
    });
  });

  router.post(TEST_PAYMENT_PATH, async (req, res) => {
    const scope = scopeOf(req);
    if (scope.mode !== 'test')
      throw new AppError(
        'test_mode_only',
        'Test payments are for test mode: sign with the test keys (pk_test_…)',
      );
    const { outcome, ...input } = parseOrThrow(body, req.body, 'body');
    const header = req.get('idempotency-key');
    const idempotencyKey =
      header === undefined
        ? undefined
        : parseOrThrow(idempotencyKeyHeader, header, { header: 'Idempotency-Key' });
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
      idempotencyKey,
    );
    res.status(result.httpStatus).json(result.body);
  });

  return router;
}
