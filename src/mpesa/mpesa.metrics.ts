// Daraja calls counted and timed from outside the client: every app's MpesaService (mpesa.apps.ts
// wraps each it makes), each STK Push and STK Query observed with its endpoint, its outcome (ok,
// Daraja's error code, or unknown) and its time, the token fetch it may include counted in.
import { AppError } from '../errors';
import type { MpesaService } from './mpesa.service';
import type { DarajaMetrics } from '../metrics/metrics';

function errorOutcome(error: unknown): string {
  const code = error instanceof AppError ? error.details?.darajaErrorCode : undefined;
  return typeof code === 'string' ? code.slice(0, 32) : error instanceof AppError ? error.code : 'unknown';
}

export function observeDaraja(mpesa: MpesaService, metrics: DarajaMetrics): MpesaService {
  const timed = async <T>(
    endpoint: 'stk_push' | 'stk_query',
    call: () => Promise<T>,
    outcomeOf: (result: T) => string,
  ): Promise<T> => {
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    try {
      const result = await call();
      metrics.called(endpoint, outcomeOf(result), seconds());
      return result;
    } catch (error) {
      metrics.called(endpoint, errorOutcome(error), seconds());
      throw error;
    }
  };
  return {
    ...mpesa,
    stkPush: (merchant, input) =>
      timed(
        'stk_push',
        () => mpesa.stkPush(merchant, input),
        (outcome) =>
          outcome.kind === 'accepted'
            ? 'ok'
            : outcome.kind === 'rejected'
              ? errorOutcome(outcome.error)
              : 'unknown',
      ),
    stkQuery: (merchant, checkoutRequestId) =>
      timed(
        'stk_query',
        () => mpesa.stkQuery(merchant, checkoutRequestId),
        () => 'ok',
      ),
  };
}
