// One error type, turned into HTTP in one place. Codes come from one closed list, documented
// in the README; clients branch on `code`, never on `message`.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { currentRequestId } from './request-context';
import type { Logger } from './logger';
import { pathForLog } from './http/access-log';

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
  route_not_found: 404,
  project_not_found: 404,
  transaction_not_found: 404,
  webhook_endpoint_not_found: 404,
  event_not_found: 404,
  mpesa_account_not_found: 404,
  dashboard_user_not_found: 404,
  idempotency_key_reused: 409,
  mpesa_subscriber_busy: 409,
  mpesa_account_missing: 409,
  dashboard_user_exists: 409,
  webhook_endpoint_limit_reached: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  mpesa_request_rejected: 422,
  webhook_url_refused: 422,
  mpesa_account_rejected: 422,
  test_outcome_unavailable: 422,
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

export const notFoundHandler: RequestHandler = (req) => {
  throw new AppError('route_not_found', `No route for ${req.method} ${req.path}`);
};

interface FrameworkError {
  type?: unknown;
  status?: unknown;
  statusCode?: unknown;
  code?: unknown;
  charset?: unknown;
  encoding?: unknown;
}

/**
 * Errors of the layers under our routes (body-parser, raw-body, zlib, the router's parameter
 * decoding) are the client's fault: each becomes one of our codes, and nothing of theirs leaks.
 */
function fromFramework(error: unknown): AppError | undefined {
  if (error instanceof URIError) {
    // The router decodes path parameters; a bad %-sequence fails there (router 2.x decodeParam).
    const message = 'is not valid percent-encoded UTF-8';
    return new AppError('validation_failed', `A path parameter ${message}`, {
      fields: [{ field: '(path)', in: 'path', message }],
    });
  }
  if (!error || typeof error !== 'object') return undefined;
  const { type, status, statusCode, code, charset, encoding } = error as FrameworkError;
  switch (type) {
    case 'entity.parse.failed':
      return new AppError('invalid_json', 'The request body is not valid JSON');
    case 'entity.too.large':
      return new AppError('payload_too_large', 'The request body is too large');
    case 'charset.unsupported':
      return new AppError(
        'unsupported_media_type',
        `The body's charset ${String(charset).slice(0, 40)} is not supported; send UTF-8 JSON`,
        { expected: 'application/json' },
      );
    case 'encoding.unsupported':
      return new AppError(
        'unsupported_media_type',
        `Content-Encoding ${String(encoding).slice(0, 40)} is not supported; send identity, gzip, deflate or br`,
      );
    case 'request.aborted':
    case 'request.size.invalid':
      return new AppError('body_unreadable', 'The request body ended before its Content-Length');
  }
  // zlib (Z_DATA_ERROR, ...) and brotli (ERR__ERROR_FORMAT_...) failing on the body's bytes.
  if (typeof code === 'string' && /^(Z_|ERR__)/.test(code)) {
    return new AppError(
      'body_unreadable',
      'The request body could not be decompressed as its Content-Encoding says',
    );
  }
  // Last resort: whatever else marks itself a client fault (http-errors' 4xx) is answered as
  // one, in our shape, rather than as our 500.
  const httpStatus = typeof status === 'number' ? status : statusCode;
  if (typeof httpStatus === 'number' && httpStatus >= 400 && httpStatus < 500) {
    if (httpStatus === 413) return new AppError('payload_too_large', 'The request is too large');
    if (httpStatus === 415)
      return new AppError('unsupported_media_type', 'Send the body as Content-Type: application/json');
    return new AppError('bad_request', 'The request is malformed');
  }
  return undefined;
}

export function createErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const known = err instanceof AppError ? err : fromFramework(err);
    const error = known ?? new AppError('internal_error', 'Something went wrong on our side');
    // The path as the access log writes it: callback URLs carry a secret token.
    if (!known) logger.error('unhandled error', { error: err, method: req.method, path: pathForLog(req) });
    else if (error.status >= 500) logger.warn('request failed', { code: error.code, path: pathForLog(req) });
    if (res.headersSent) return;
    res
      .status(error.status)
      .set(error.headers ?? {})
      .json(errorBody(error));
  };
}
