// Daraja's errors become our stable codes; Daraja's own errorCode stays in `details` so an
// operator can look it up. Mapping is on errorCode (and, for the overloaded 500.001.1001,
// on the message), never on HTTP status alone (docs/daraja.md §2, §10).
import { AppError } from '../errors';

/**
 * Daraja's "Invalid Access Token": 404.001.03 today, 401.002.01 on the older gateway (both in
 * docs/daraja.md §2). Either means one refresh and one retry, never more.
 */
export const DARAJA_INVALID_TOKEN_CODES: readonly string[] = ['404.001.03', '401.002.01'];
const RETRY_AFTER_SECONDS = '30';

export interface DarajaErrorBody {
  requestId?: string;
  errorCode?: string;
  errorMessage?: string;
}

export function readDarajaError(body: unknown): DarajaErrorBody {
  if (!body || typeof body !== 'object') return {};
  const { requestId, errorCode, errorMessage } = body as Record<string, unknown>;
  return {
    requestId: typeof requestId === 'string' ? requestId : undefined,
    errorCode: typeof errorCode === 'string' ? errorCode : undefined,
    errorMessage: typeof errorMessage === 'string' ? errorMessage : undefined,
  };
}

export function darajaError(httpStatus: number, body: unknown): AppError {
  const { requestId, errorCode, errorMessage } = readDarajaError(body);
  const details = {
    darajaErrorCode: errorCode ?? null,
    darajaMessage: errorMessage ?? null,
    darajaRequestId: requestId ?? null,
    darajaHttpStatus: httpStatus,
  };
  const text = (errorMessage ?? '').toLowerCase();

  if (errorCode === '400.002.02' || errorCode === '400.002.05') {
    return new AppError(
      'mpesa_request_rejected',
      `M-Pesa rejected the request: ${errorMessage ?? errorCode}`,
      details,
    );
  }
  if (errorCode === '500.001.1001' && text.includes('lock subscriber')) {
    return new AppError(
      'mpesa_subscriber_busy',
      'The customer already has an M-Pesa prompt in progress; try again in a minute',
      details,
      { 'Retry-After': '60' },
    );
  }
  if (
    (errorCode === '500.001.1001' && /credentials|merchant does not exist/.test(text)) ||
    DARAJA_INVALID_TOKEN_CODES.includes(errorCode ?? '') ||
    errorCode?.startsWith('400.008')
  ) {
    return new AppError(
      'mpesa_credentials_rejected',
      'M-Pesa refused our credentials or shortcode; check the M-Pesa configuration',
      details,
    );
  }
  if (httpStatus === 400 && errorCode === undefined) {
    // Daraja answers wrong consumer key/secret with HTTP 400 and an empty body (observed 2026).
    return new AppError('mpesa_credentials_rejected', 'M-Pesa refused the consumer key and secret', details);
  }
  return new AppError('mpesa_unavailable', 'M-Pesa is busy or unavailable; try again shortly', details, {
    'Retry-After': RETRY_AFTER_SECONDS,
  });
}

export function darajaUnreachable(reason: string): AppError {
  return new AppError(
    'mpesa_unavailable',
    'M-Pesa could not be reached; try again shortly',
    { reason },
    { 'Retry-After': RETRY_AFTER_SECONDS },
  );
}
