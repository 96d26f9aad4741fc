// What Daraja's answer to an STK Push means for the payment. Ambiguity is never a failure: a
// push is `rejected` (failed for good, the merchant may retry) only on a documented refusal,
// a request-time error Daraja documents as "not processed". Anything else (an unreadable
// 200, a 5xx HTML page, a code nobody documents, Daraja's own 500.003.1001 Internal Server
// Error) may have reached the customer's phone: it is `unknown`, the payment stays pending,
// and its callback or an STK Query decides. Sources: docs/daraja.md §2, §10.
import type { AppError } from '../errors';
import { darajaError, readDarajaError } from './mpesa.errors';

export type PushOutcome =
  | { kind: 'accepted'; merchantRequestId: string; checkoutRequestId: string; customerMessage: string | null }
  | { kind: 'rejected'; error: AppError }
  | { kind: 'unknown'; reason: string };

interface DocumentedRefusal {
  errorCode: string;
  /** For codes Daraja overloads (500.001.1001), the message that makes it a refusal. */
  message?: RegExp;
  source: string;
}

/** The closed list. A code or message not here is not a refusal, whatever its HTTP status. */
export const DOCUMENTED_PUSH_REFUSALS: readonly DocumentedRefusal[] = [
  // "Bad Request - Invalid <Field>" (BusinessShortCode, PhoneNumber, Amount, CallBackURL, Remarks, ...).
  { errorCode: '400.002.02', source: 'DOC-EXP; LNM#11, #36, #40; ISS-OSEN65; UMOJA-08' },
  // "Invalid Request Payload": the gateway could not read our body (documented on C2B, same gateway).
  { errorCode: '400.002.05', source: 'DOC-C2B' },
  // "Invalid Access Token", and its older form: reached only after the one refresh and retry.
  { errorCode: '404.001.03', source: 'DOC-EXP; LNM#11, #41' },
  { errorCode: '401.002.01', source: 'JWAMBUGU test' },
  // "Resource not found" and "Method Not Allowed": the gateway, not the STK service, answered.
  { errorCode: '404.001.01', source: 'DOC-EXP' },
  { errorCode: '405.001', source: 'DOC-EXP' },
  // 500.001.1001 is overloaded: only these three messages are documented refusals of a push.
  { errorCode: '500.001.1001', message: /unable to lock subscriber/i, source: 'DOC-EXP' },
  { errorCode: '500.001.1001', message: /merchant does not exist/i, source: 'DOC-EXP; LNM#50' },
  {
    errorCode: '500.001.1001',
    message: /wrong credentials/i,
    source: 'DOC-EXP; LNM#8, #17; ISS-DJANGODARAJA3',
  },
  // "System is busy" / "Spike Arrest Violation" and "Quota Violation": throttled before processing.
  { errorCode: '500.003.02', source: 'DOC-EXP' },
  { errorCode: '500.003.03', source: 'DOC-EXP' },
];

export function isDocumentedRefusal(body: unknown): boolean {
  const { errorCode, errorMessage } = readDarajaError(body);
  return DOCUMENTED_PUSH_REFUSALS.some(
    (refusal) =>
      refusal.errorCode === errorCode && (!refusal.message || refusal.message.test(errorMessage ?? '')),
  );
}

/** The outcome of a push Daraja answered (transport failures are judged by the caller). */
export function classifyPushAnswer(httpStatus: number, body: unknown): PushOutcome {
  const data = body && typeof body === 'object' ? (body as Record<string, unknown>) : undefined;
  if (
    httpStatus === 200 &&
    String(data?.ResponseCode) === '0' &&
    typeof data?.CheckoutRequestID === 'string' &&
    data.CheckoutRequestID
  ) {
    return {
      kind: 'accepted',
      checkoutRequestId: data.CheckoutRequestID,
      merchantRequestId: String(data.MerchantRequestID ?? ''),
      customerMessage: typeof data.CustomerMessage === 'string' ? data.CustomerMessage : null,
    };
  }
  if (isDocumentedRefusal(body)) return { kind: 'rejected', error: darajaError(httpStatus, body) };
  const { errorCode } = readDarajaError(body);
  return {
    kind: 'unknown',
    reason: `HTTP ${httpStatus} ${errorCode ? `errorCode ${errorCode}` : 'without a success or a documented refusal'}`,
  };
}
