// An operator's check of one M-Pesa account: a live OAuth call to its environment (the
// simulator's own token route in simulator mode) and a verdict a person can act on. The token it
// gets becomes the one payments use (src/mpesa/mpesa.token.ts, renew), so checking never leaves
// pushes holding a token Daraja may have replaced (docs/daraja.md §1).
import { AppError } from '../errors';
import type { Environment } from '../core/scope';
import type { AccountCheckView } from './account.schema';

const WHERE: Record<Environment, string> = {
  simulator: "this deployment's simulator",
  sandbox: "Daraja's sandbox (sandbox.safaricom.co.ke)",
  production: "Daraja's production (api.safaricom.co.ke)",
};

/** What an OAuth attempt came to, as the answer of the check route. */
export function verdictOf(
  account: { id: string; environment: Environment },
  outcome: { ok: true } | { ok: false; error: unknown },
  checkedAt: Date,
  latencyMs: number,
): AccountCheckView {
  const base = {
    accountId: account.id,
    environment: account.environment,
    checkedAt: checkedAt.toISOString(),
    latencyMs,
  };
  const where = WHERE[account.environment];
  if (outcome.ok)
    return {
      ...base,
      verdict: 'accepted',
      accepted: true,
      code: null,
      message: `${where} issued a token for this consumer key and secret.`,
    };
  const error = outcome.error;
  if (!(error instanceof AppError)) throw error;
  const darajaHttpStatus =
    typeof error.details?.darajaHttpStatus === 'number' ? error.details.darajaHttpStatus : null;
  if (error.code === 'mpesa_credentials_rejected')
    return {
      ...base,
      verdict: 'rejected',
      accepted: false,
      code: error.code,
      darajaHttpStatus,
      message: `${where} refused this consumer key and secret: copy them again from the app on developer.safaricom.co.ke (Daraja's "My Apps"), then edit the account.`,
    };
  if (error.code === 'mpesa_unavailable')
    return {
      ...base,
      verdict: 'unreachable',
      accepted: false,
      code: error.code,
      darajaHttpStatus,
      message: `${where} did not answer (${error.message}): nothing is known about the credentials; check again shortly.`,
    };
  return {
    ...base,
    verdict: 'unreachable',
    accepted: false,
    code: error.code,
    darajaHttpStatus,
    message: error.message,
  };
}
