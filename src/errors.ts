// One error type, turned into HTTP in one place. Codes come from one closed list, documented
// in the README; clients branch on `code`, never on `message`.
import { currentRequestId } from './request-context';

export const ERROR_STATUS = {
  validation_failed: 400,
  invalid_json: 400,
  body_unreadable: 400,
  bad_request: 400,
  admin_unauthorized: 401,
  signature_missing: 401,
  signature_invalid: 401,
  signature_expired: 401,
  signature_replayed: 401,
  api_key_unknown: 401,
  sign_in_failed: 401,
  session_invalid: 401,
  callback_source_forbidden: 403,
  project_disabled: 403,
  test_mode_only: 403,
  subscription_refused: 403,
  csrf_failed: 403,
  dashboard_forbidden: 403,
  payouts_disabled: 403,
  payout_source_forbidden: 403,
  payout_approval_forbidden: 403,
  refund_approval_forbidden: 403,
  route_not_found: 404,
  request_timeout: 408,
  project_not_found: 404,
  transaction_not_found: 404,
  status_query_not_found: 404,
  qr_code_not_found: 404,
  webhook_endpoint_not_found: 404,
  event_not_found: 404,
  mpesa_account_not_found: 404,
  dashboard_user_not_found: 404,
  payout_not_found: 404,
  payout_batch_not_found: 404,
  refund_not_found: 404,
  balance_check_not_found: 404,
  payment_link_not_found: 404,
  checkout_session_not_found: 404,
  idempotency_key_reused: 409,
  mpesa_subscriber_busy: 409,
  mpesa_account_missing: 409,
  mpesa_account_disabled: 409,
  c2b_urls_already_registered: 409,
  c2b_not_enabled: 409,
  c2b_pull_in_progress: 409,
  mpesa_initiator_missing: 409,
  dashboard_user_exists: 409,
  webhook_endpoint_limit_reached: 409,
  payout_not_awaiting_approval: 409,
  payout_batch_not_awaiting_approval: 409,
  refund_not_awaiting_approval: 409,
  payment_not_refundable: 409,
  payment_link_slug_taken: 409,
  checkout_session_paid: 409,
  checkout_payment_pending: 409,
  payment_link_expired: 410,
  payment_link_used_up: 410,
  payment_link_disabled: 410,
  checkout_session_expired: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  mpesa_request_rejected: 422,
  webhook_url_refused: 422,
  mpesa_account_rejected: 422,
  c2b_version_mismatch: 422,
  c2b_url_refused: 422,
  mpesa_certificate_invalid: 422,
  test_outcome_unavailable: 422,
  payout_cap_exceeded: 422,
  payout_batch_invalid: 422,
  payout_account_unsupported: 422,
  payout_not_reversible: 422,
  rate_limited: 429,
  internal_error: 500,
  mpesa_credentials_rejected: 502,
  mpesa_unavailable: 503,
  service_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
    this.status = ERROR_STATUS[code];
  }
}

/** What a merchant is told to wait when the database is away: a restart or a failover takes seconds. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** Why the database cannot serve: the same words GET /ready answers with. */
export type DatabaseUnavailableReason = 'database_unreachable' | 'disk_full';

const UNAVAILABLE_MESSAGES: Record<DatabaseUnavailableReason, string> = {
  database_unreachable: 'The database did not answer in time; retry after Retry-After',
  disk_full: "The database's disk is full; retry after Retry-After",
};

/**
 * A database that is away, too slow or out of disk: the merchant may retry, and is told when.
 * One code on both engines; `details.reason` says which.
 */
export function databaseUnavailable(
  reason: DatabaseUnavailableReason = 'database_unreachable',
  message = UNAVAILABLE_MESSAGES[reason],
): AppError {
  return new AppError(
    'service_unavailable',
    message,
    { reason },
    {
      'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS),
    },
  );
}

export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    requestId: string | undefined;
    details?: Record<string, unknown>;
  };
}

export function errorBody(error: AppError): ErrorBody {
  return {
    error: {
      code: error.code,
      message: error.message,
      requestId: currentRequestId(),
      ...(error.details ? { details: error.details } : {}),
    },
  };
}

/**
 * A reused Idempotency-Key answers its first request's result only for the same body: refused
 * otherwise, naming what the first request made (`{ payoutId }`, `{ transactionId }`, ...).
 */
export function refuseOtherBody(
  firstHash: string | null,
  requestHash: string,
  firstMade: Record<string, unknown>,
): void {
  if (firstHash !== requestHash)
    throw new AppError(
      'idempotency_key_reused',
      'This Idempotency-Key was used with a different request body',
      firstMade,
    );
}
