// One error class to catch, with the service's error code to branch on. Subclasses add what
// their case knows (a timeout knows the last status seen; a webhook failure knows why).
// No Node-only imports here: the browser entry uses this file too.

/** Codes the service answers with (docs/api.md, "Error codes"). */
export type ApiErrorCode =
  | 'validation_failed'
  | 'invalid_json'
  | 'body_unreadable'
  | 'bad_request'
  | 'admin_unauthorized'
  | 'signature_missing'
  | 'signature_invalid'
  | 'signature_expired'
  | 'signature_replayed'
  | 'api_key_unknown'
  | 'sign_in_failed'
  | 'session_invalid'
  | 'csrf_failed'
  | 'dashboard_forbidden'
  | 'dashboard_user_not_found'
  | 'dashboard_user_exists'
  | 'callback_source_forbidden'
  | 'project_disabled'
  | 'test_mode_only'
  | 'subscription_refused'
  | 'route_not_found'
  | 'project_not_found'
  | 'transaction_not_found'
  | 'webhook_endpoint_not_found'
  | 'event_not_found'
  | 'mpesa_account_not_found'
  | 'payment_link_not_found'
  | 'checkout_session_not_found'
  | 'payment_link_slug_taken'
  | 'checkout_session_paid'
  | 'checkout_payment_pending'
  | 'payment_link_expired'
  | 'payment_link_used_up'
  | 'payment_link_disabled'
  | 'checkout_session_expired'
  | 'webhook_url_refused'
  | 'mpesa_account_rejected'
  | 'test_outcome_unavailable'
  | 'idempotency_key_reused'
  | 'mpesa_subscriber_busy'
  | 'mpesa_account_missing'
  | 'mpesa_account_disabled'
  | 'c2b_urls_already_registered'
  | 'c2b_not_enabled'
  | 'c2b_pull_in_progress'
  | 'c2b_version_mismatch'
  | 'c2b_url_refused'
  | 'mpesa_initiator_missing'
  | 'mpesa_certificate_invalid'
  | 'status_query_not_found'
  | 'qr_code_not_found'
  | 'webhook_endpoint_limit_reached'
  | 'request_timeout'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'mpesa_request_rejected'
  | 'rate_limited'
  | 'internal_error'
  | 'mpesa_credentials_rejected'
  | 'mpesa_unavailable'
  | 'service_unavailable'
  | 'payouts_disabled'
  | 'payout_source_forbidden'
  | 'payout_approval_forbidden'
  | 'payout_not_found'
  | 'payout_not_awaiting_approval'
  | 'payout_batch_invalid'
  | 'payout_batch_not_found'
  | 'payout_batch_not_awaiting_approval'
  | 'payout_cap_exceeded'
  | 'payout_account_unsupported'
  | 'refund_not_found'
  | 'balance_check_not_found'
  | 'refund_approval_forbidden'
  | 'refund_not_awaiting_approval'
  | 'payment_not_refundable'
  | 'payout_not_reversible';

/** Codes the SDK itself raises, for failures that never got an answer in our error shape. */
export type ClientErrorCode =
  | 'network_error' // no HTTP answer at all (refused, reset, DNS, request timeout)
  | 'unexpected_response' // an answer that is not our JSON (a proxy's HTML page, say)
  | 'realtime_unavailable' // the Socket.io connection failed or dropped
  | 'wait_timeout'
  | WebhookErrorCode;

export type WebhookErrorCode =
  | 'webhook_headers_missing'
  | 'webhook_timestamp_invalid'
  | 'webhook_timestamp_too_old'
  | 'webhook_timestamp_too_new'
  | 'webhook_signature_invalid';

/** `string & {}` keeps autocompletion for the known codes while accepting codes added later. */
export type ErrorCode = ApiErrorCode | ClientErrorCode | (string & {});

export interface MpesaBridgeErrorInit {
  code: ErrorCode;
  message: string;
  /** HTTP status, when the service answered. */
  status?: number;
  /** The service's request id: quote it when asking for help, it finds the request in the logs. */
  requestId?: string;
  details?: Record<string, unknown>;
  /** Seconds, from a `Retry-After` header. */
  retryAfter?: number;
  cause?: unknown;
}

export class MpesaBridgeError extends Error {
  readonly code: ErrorCode;
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  readonly details: Record<string, unknown> | undefined;
  readonly retryAfter: number | undefined;

  constructor(init: MpesaBridgeErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'MpesaBridgeError';
    this.code = init.code;
    this.status = init.status;
    this.requestId = init.requestId;
    this.details = init.details;
    this.retryAfter = init.retryAfter;
  }
}

/** `waitForResult` ran out of time before the payment reached a final status. */
export class MpesaBridgeTimeoutError extends MpesaBridgeError {
  readonly transactionId: string;
  /** The last status seen, usually `pending`; undefined when nothing was seen at all. */
  readonly lastStatus: string | undefined;

  constructor(transactionId: string, timeoutMs: number, lastStatus: string | undefined) {
    super({
      code: 'wait_timeout',
      message: `Transaction ${transactionId} did not reach a final status within ${timeoutMs} ms (last status: ${lastStatus ?? 'unknown'})`,
    });
    this.name = 'MpesaBridgeTimeoutError';
    this.transactionId = transactionId;
    this.lastStatus = lastStatus;
  }
}

/** A webhook delivery that must not be trusted: answer it with 400 and do not act on it. */
export class WebhookVerificationError extends MpesaBridgeError {
  declare readonly code: WebhookErrorCode;

  constructor(code: WebhookErrorCode, message: string) {
    super({ code, message });
    this.name = 'WebhookVerificationError';
  }
}
