// One error type, turned into HTTP in one place. Codes come from one closed list, documented
// in the README; clients branch on `code`, never on `message`.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { currentRequestId } from './request-context';
import type { Logger } from './logger';

export const ERROR_STATUS = {
  validation_failed: 400,
  invalid_json: 400,
  admin_unauthorized: 401,
  signature_missing: 401,
  signature_invalid: 401,
  signature_expired: 401,
  api_key_unknown: 401,
  callback_source_forbidden: 403,
  subscription_refused: 403,
  route_not_found: 404,
  project_not_found: 404,
  transaction_not_found: 404,
  webhook_endpoint_not_found: 404,
  event_not_found: 404,
  idempotency_key_reused: 409,
  mpesa_subscriber_busy: 409,
  payload_too_large: 413,
  mpesa_request_rejected: 422,
  webhook_url_refused: 422,
  rate_limited: 429,
  internal_error: 500,
  mpesa_credentials_rejected: 502,
  mpesa_unavailable: 503,
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
  error: { code: ErrorCode; message: string; requestId: string | undefined; details?: Record<string, unknown> };
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

/** Errors thrown by body-parser carry a `type`; map them to our codes instead of leaking them. */
function fromBodyParser(error: { type?: string; status?: number }): AppError | undefined {
  if (error.type === 'entity.parse.failed') return new AppError('invalid_json', 'The request body is not valid JSON');
  if (error.type === 'entity.too.large') return new AppError('payload_too_large', 'The request body is too large');
  if (error.type === 'encoding.unsupported' || error.type === 'charset.unsupported') {
    return new AppError('validation_failed', 'Unsupported body encoding');
  }
  return undefined;
}

export function createErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const known = err instanceof AppError ? err : fromBodyParser(err as { type?: string });
    const error = known ?? new AppError('internal_error', 'Something went wrong on our side');
    if (!known) logger.error('unhandled error', { error: err, method: req.method, path: req.path });
    else if (error.status >= 500) logger.warn('request failed', { code: error.code, path: req.path });
    if (res.headersSent) return;
    res.status(error.status).set(error.headers ?? {}).json(errorBody(error));
  };
}
