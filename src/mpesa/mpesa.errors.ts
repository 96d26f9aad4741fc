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

/**
 * A refused C2B URL registration, explained (docs/daraja.md §7):
 * - the app's C2B product is the other version: the gateway answers 401.003.01 "Invalid API
 *   call as no apiproduct match found" (the register URL path names a product the app lacks);
 * - the shortcode already has URLs: 500.003.1001 "Urls are already registered." (production
 *   registers once; the merchant deletes them on the portal first);
 * - a URL Daraja refuses: 400.002.02 "Invalid ConfirmationURL" / "Invalid ValidationURL".
 * Anything else is mapped as every Daraja answer is (credentials, busy, unreachable).
 */
export function c2bRegistrationError(httpStatus: number, body: unknown, version: string): AppError {
  const { requestId, errorCode, errorMessage } = readDarajaError(body);
  const details = {
    darajaErrorCode: errorCode ?? null,
    darajaMessage: errorMessage ?? null,
    darajaRequestId: requestId ?? null,
    darajaHttpStatus: httpStatus,
  };
  const text = (errorMessage ?? '').toLowerCase();
  if (errorCode === '401.003.01' || text.includes('no apiproduct match found')) {
    const other = version === 'v1' ? 'v2' : 'v1';
    return new AppError(
      'c2b_version_mismatch',
      `Daraja has no C2B ${version} product on this app ("no apiproduct match found"): use the C2B version enabled on your Daraja app (developer.safaricom.co.ke, My Apps), most likely ${other}`,
      { ...details, version },
    );
  }
  if (text.includes('already registered')) {
    return new AppError(
      'c2b_urls_already_registered',
      'This shortcode already has C2B URLs registered: delete them on the Daraja portal (URL Management) and switch C2B on again',
      details,
    );
  }
  if (
    /invalid (confirmation|validation) ?url/.test(text) ||
    (errorCode === '400.002.02' && text.includes('url'))
  ) {
    return new AppError(
      'c2b_url_refused',
      `Daraja refused our C2B URL (${errorMessage ?? errorCode}): CALLBACK_BASE_URL must be a public https address without the words Daraja refuses`,
      details,
    );
  }
  return darajaError(httpStatus, body);
}
