// The error shape and every error code, for the document. Codes and statuses come from
// src/errors.ts; the explanations are here, typed by ErrorCode so a new code does not compile
// until it is explained.
import { z } from 'zod';
import { ERROR_STATUS, type ErrorCode } from '../errors';

export const ERROR_EXPLANATIONS: Record<ErrorCode, string> = {
  validation_failed: 'A field is missing or wrong; `details.fields` lists them (`field`, `message`).',
  invalid_json: 'The body is not valid JSON.',
  body_unreadable:
    'The body could not be read: its bytes do not match its `Content-Encoding`, or it ended before its `Content-Length`.',
  bad_request: 'The request is not valid HTTP or is malformed in a way no other code names.',
  admin_unauthorized: 'Missing or wrong admin token.',
  signature_missing: '`X-Api-Key`, `X-Timestamp` or `X-Signature` is missing.',
  signature_invalid:
    'The signature does not match this request. `details.signed` shows what the server signed (timestamp, method, path with query, body length) and `details.publicKey` the key it checked.',
  signature_expired:
    '`X-Timestamp` is further from the server clock than `SIGNATURE_TOLERANCE_SECONDS` allows (300 s by default).',
  signature_replayed:
    'This exact signed request (same signature) was already received: sign every attempt afresh, with a new `X-Timestamp`. A retry of an initiate with the same `Idempotency-Key` as the first is answered by the idempotency store instead.',
  api_key_unknown: 'No project has this public key (or it was rotated).',
  sign_in_failed:
    'Dashboard sign-in: wrong email or password (or the user is disabled). Counted per address and per email; past the allowance, `rate_limited`.',
  session_invalid: 'The dashboard session cookie is missing, expired or signed out: sign in again.',
  callback_source_forbidden: 'A callback from an address not on the allowlist (Safaricom → us only).',
  subscription_refused:
    'Socket.io `subscribe` acknowledgement only: unknown transaction or wrong client secret.',
  csrf_failed:
    "A state-changing request made with the dashboard session lacks its `X-CSRF-Token`, or did not come from the service's own origin.",
  dashboard_forbidden: 'The dashboard user is a member, and this needs an operator.',
  payouts_disabled:
    'Payouts are off for this project in this mode until an operator turns them on (`PUT /api/v1/projects/{id}/payout-settings/{mode}`). Nothing was sent.',
  payout_source_forbidden:
    "The payout request came from an address not on the project's payout allowlist (`allowedIps` of its payout settings). Nothing was sent.",
  payout_approval_forbidden:
    'An approval or rejection must come from a dashboard session (never an API key), of a user other than the one who asked for the payout (four eyes); in live mode, an operator. `details.reason` says which.',
  payout_not_found: 'No payout with this id in your project and mode.',
  payout_batch_not_found: 'No payout batch with this id in your project and mode.',
  refund_not_found: 'No refund with this id in your project and mode (or in a project you may see).',
  balance_check_not_found: 'No balance check with this id in your project and mode.',
  refund_approval_forbidden:
    'The user who asked for the refund may not approve or reject it (four eyes); in live mode only an operator may.',
  refund_not_awaiting_approval: 'The refund was already approved or rejected (`details.status`).',
  payment_not_refundable:
    'The payment is not completed with a receipt, was already reversed, or has a refund under way (`details.reason`).',
  payout_not_reversible:
    "A B2C payout cannot be reversed through Daraja's API; only on the M-Pesa org portal.",
  payout_not_awaiting_approval:
    'The payout is not awaiting approval (another approver, or a rejection, was first); `details.status` is where it is.',
  payout_batch_invalid:
    'A row of the batch is not a valid payout: `details.rows` lists every bad row (up to 100; `details.badRows` counts them) with its `line` and its `fields` (`field`, `message`). Nothing was stored or sent.',
  payout_batch_not_awaiting_approval:
    'The batch is not awaiting approval (another approver, or a rejection, was first); `details.status` is where it is.',
  payout_cap_exceeded:
    'The payout is over a cap of the project: `details.cap` is `per_payout` or `daily`, with `details.limit` and, for the daily cap, `details.usedToday` (KES). Nothing was sent.',
  payout_account_unsupported:
    'This account cannot pay out: it has no initiator (name and password or SecurityCredential), or a test key names a sandbox account (test keys pay out through the simulator only). `details.reason` says which.',
  project_disabled: 'The operator disabled this project: its keys are refused until it is enabled again.',
  test_mode_only: 'Test payments by outcome are for test mode: sign with the test keys (pk_test_…).',
  route_not_found: 'No route for this method and path.',
  project_not_found: 'No project with this id.',
  transaction_not_found: 'No transaction with this id in your project.',
  status_query_not_found: 'No status query with this id in your project and mode.',
  qr_code_not_found: 'No QR code with this id in your project and mode.',
  webhook_endpoint_not_found: 'No webhook endpoint with this id in your project (or it was deleted).',
  event_not_found: 'No event with this id in your project.',
  mpesa_account_not_found: 'No M-Pesa account with this id in your project and mode (or it was deleted).',
  dashboard_user_not_found: 'No dashboard user with this id.',
  payment_link_not_found:
    'No payment link with this id in your project and mode (or, on a public page, with this slug).',
  checkout_session_not_found:
    'No checkout session with this id in your project and mode; on a public page, also a wrong client secret (one answer for both).',
  payment_link_slug_taken:
    'Another payment link of this deployment has this slug: choose another, or leave it out for a random one.',
  checkout_session_paid: 'This checkout is paid already: nothing more to pay.',
  checkout_payment_pending:
    "A payment prompt of this checkout is still open on the customer's phone: it must be answered or end before another is sent.",
  payment_link_expired: 'The payment link is past its `expiresAt`.',
  payment_link_used_up:
    'The payment link has taken as many paid checkouts as its `maxUses` (counting the prompts on a phone right now), or has numbered all the references its template allows.',
  payment_link_disabled: 'The merchant switched the payment link (or its project) off.',
  checkout_session_expired: 'The checkout session is past its `expiresAt` with nothing paid.',
  webhook_url_refused:
    'The webhook URL is not allowed: not https, carries credentials, does not resolve, or resolves to a private, loopback or link-local address; `details.reason` says which.',
  webhook_endpoint_limit_reached:
    'The project has as many webhook endpoints in this mode as it may (16): delete one it no longer needs first.',
  idempotency_key_reused: 'The same `Idempotency-Key` was used with a different body.',
  dashboard_user_exists: 'A dashboard user with this email exists.',
  c2b_urls_already_registered:
    'Switching C2B on: Daraja says this shortcode already has C2B URLs (500.003.1001 "Urls are already registered."). Production registers once: delete them on the Daraja portal, then try again.',
  c2b_not_enabled:
    'Switching Pull Transactions on for an account whose C2B is off: Pull fills confirmations of C2B, so switch C2B on first.',
  c2b_pull_in_progress:
    'Another instance (or request) is pulling this account’s window now; `Retry-After` says when to ask again. Nothing is lost: its pull fills what is missing.',
  c2b_version_mismatch:
    'Switching C2B on: Daraja has no C2B product of this version on the app (401.003.01 "no apiproduct match found"). Use the version (`v1` or `v2`) enabled on your Daraja app; `details.version` is the one tried.',
  c2b_url_refused:
    'Switching C2B on: Daraja refused our confirmation or validation URL; `CALLBACK_BASE_URL` must be a public https address without the words Daraja refuses.',
  mpesa_account_missing:
    "The project has no M-Pesa account for this mode and the deployment's own account (`MPESA_*`) is of the other mode: add one with `POST /api/v1/mpesa-accounts`, or use the other key pair.",
  mpesa_account_disabled:
    'The initiate names an M-Pesa account its operator disabled: name another, or enable it again (`PATCH /api/v1/mpesa-accounts/:id` with `disabled: false`).',
  mpesa_initiator_missing:
    "The M-Pesa account lacks what an initiator call (Transaction Status) needs: `details.missing` lists `initiatorName`, `initiatorPassword` or `certificate` (the account's `securityCertificate`, or the environment's `MPESA_SANDBOX_CERTIFICATE` / `MPESA_PRODUCTION_CERTIFICATE`).",
  mpesa_certificate_invalid:
    "The certificate given (an M-Pesa account's `securityCertificate`) is not a PEM X.509 certificate with an RSA key, as Safaricom's are; `details.reason` says what is wrong.",
  mpesa_subscriber_busy:
    'The customer already has an M-Pesa prompt open (Daraja 500.001.1001); retry after a minute.',
  request_timeout:
    'The request did not arrive in time (`HTTP_HEADERS_TIMEOUT` for its headers, `HTTP_REQUEST_TIMEOUT` for all of it); the connection is closed.',
  payload_too_large: 'The body is over the configured limit (`BODY_LIMIT`).',
  unsupported_media_type:
    'The body is not `application/json` (or its charset or `Content-Encoding` is not supported); the message names what to send.',
  mpesa_request_rejected:
    'Daraja refused a field (400.002.02); `details.darajaErrorCode` and `details.darajaMessage` say which.',
  mpesa_account_rejected:
    'Saving an M-Pesa account: Daraja refused its consumer key and secret (the OAuth call made to check them); `details.environment` and `details.darajaHttpStatus` say where and how.',
  test_outcome_unavailable:
    "A test payment by outcome needs the simulator: the project's test-mode account (the one chosen, or the default) is a Daraja sandbox account, whose customers the simulator does not play.",
  rate_limited:
    'Too many requests (the `RateLimit` and `RateLimit-Policy` headers say when to retry), or too many failed signatures, admin tokens or subscriptions from this source or key, or too many payment prompts from checkout pages to one phone or from one address (`details.limit`; `Retry-After` says when).',
  internal_error: 'Our fault; the `requestId` finds it in the logs.',
  mpesa_credentials_rejected: 'Daraja refused the consumer key and secret, shortcode or passkey.',
  mpesa_unavailable: 'Daraja is busy, arresting spikes, over quota or unreachable; `Retry-After` is set.',
  service_unavailable:
    'A store the service needs (the database or Redis) did not answer in time; retry after `Retry-After`.',
};

export const ERROR_CODES = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];

export const errorResponseSchema = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES).meta({
        description:
          'Branch on this, never on `message`. The closed list, with HTTP status and meaning, is in `x-enumDescriptions`.',
        'x-enumDescriptions': Object.fromEntries(
          ERROR_CODES.map((code) => [code, `${ERROR_STATUS[code]}: ${ERROR_EXPLANATIONS[code]}`]),
        ),
      }),
      message: z.string().meta({ description: 'Readable, for people; may change.' }),
      requestId: z.string().meta({
        description: 'Also in the `X-Request-Id` response header; send your own to correlate.',
        examples: ['req_8f2c…'],
      }),
      details: z.record(z.string(), z.unknown()).optional().meta({
        description:
          'Machine-readable extras: `fields` for validation_failed; `transactionId`, `darajaErrorCode`, `darajaMessage`, `darajaRequestId` for Daraja refusals.',
      }),
    }),
  })
  .meta({ id: 'Error', description: 'The one error shape of every endpoint.' });

/** A documented example of one error code. */
export function errorExample(code: ErrorCode) {
  return { error: { code, message: ERROR_EXPLANATIONS[code].replace(/`/g, ''), requestId: 'req_8f2c…' } };
}
