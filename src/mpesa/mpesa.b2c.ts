// Business to Customer (B2C v3): the request body and what Daraja's synchronous answer means
// for the payout. The payout's own id is the OriginatorConversationID, so Daraja refuses a
// second request for it (500.002.1001) and Transaction Status finds it by it (docs/daraja.md
// "Payouts (B2C)"). Ambiguity is never a failure: a payout is `rejected` only on a documented
// refusal Daraja answers before M-Pesa sees the request; anything else (a timeout, an
// unreadable 200, a 5xx page, an undocumented code) may have paid, and is `unknown`.
import type { AppError } from '../errors';
import { darajaError, readDarajaError } from './mpesa.errors';

export const B2C_PATH = '/mpesa/b2c/v3/paymentrequest';

/** Daraja's "Duplicate OriginatorConversationID.": it already has a request with this id. */
export const DUPLICATE_ORIGINATOR = '500.002.1001';

/** An initiator ready for one call (mpesa.security-credential.ts makes it). Never logged. */
export interface InitiatorCredential {
  initiatorName: string;
  /** The initiator's password encrypted with the environment's certificate. */
  securityCredential: string;
}

export interface B2cInput {
  /** Our payout id: Daraja's OriginatorConversationID. */
  originatorConversationId: string;
  purpose: 'BusinessPayment' | 'SalaryPayment' | 'PromotionPayment';
  amount: number;
  /** PartyA: the B2C shortcode the money leaves from. */
  shortcode: string;
  /** PartyB: 2547XXXXXXXX or 2541XXXXXXXX. */
  phone: string;
  remarks: string;
  occasion: string | null;
  resultUrl: string;
  queueTimeoutUrl: string;
}

export type B2cOutcome =
  | { kind: 'accepted'; conversationId: string; responseDescription: string | null }
  /** Refused before M-Pesa saw it: the payout failed, nothing moved. */
  | { kind: 'rejected'; error: AppError; resultCode: string | null }
  /** It may have paid (or Daraja already has this id): only Transaction Status can say. */
  | { kind: 'unknown'; reason: string };

export function b2cBody(initiator: InitiatorCredential, input: B2cInput): Record<string, unknown> {
  return {
    OriginatorConversationID: input.originatorConversationId,
    InitiatorName: initiator.initiatorName,
    SecurityCredential: initiator.securityCredential,
    CommandID: input.purpose,
    Amount: input.amount,
    PartyA: input.shortcode,
    PartyB: input.phone,
    Remarks: input.remarks,
    QueueTimeOutURL: input.queueTimeoutUrl,
    ResultURL: input.resultUrl,
    // Daraja's own spelling (docs/daraja.md "Payouts (B2C)").
    ...(input.occasion ? { Occassion: input.occasion } : {}),
  };
}

interface DocumentedRefusal {
  errorCode: string;
  message?: RegExp;
}

/**
 * Synchronous refusals documented as "not processed": the gateway's validation and auth
 * errors and its throttling. A code or message not here is not a refusal, whatever its status.
 */
const DOCUMENTED_B2C_REFUSALS: readonly DocumentedRefusal[] = [
  { errorCode: '400.002.02' }, // Bad Request - Invalid <Field> (InitiatorName, Amount, PartyB, …)
  { errorCode: '400.002.05' }, // Invalid Request Payload
  { errorCode: '400.003.02' }, // Bad Request (Transaction Status page: "something is missing")
  { errorCode: '404.001.03' }, // Invalid Access Token (after the one refresh)
  { errorCode: '400.003.01' }, // Invalid Access Token (the older gateway's form)
  { errorCode: '401.002.01' },
  { errorCode: '404.001.01' }, // Resource not found
  { errorCode: '404.001.04' }, // Invalid Authentication Header
  { errorCode: '405.001' },
  { errorCode: '500.003.02' }, // Spike Arrest Violation
  { errorCode: '500.003.03' }, // Quota Violation
  { errorCode: '500.001.1001', message: /merchant does not exist|wrong credentials/i },
];

function isDocumentedRefusal(body: unknown): boolean {
  const { errorCode, errorMessage } = readDarajaError(body);
  return DOCUMENTED_B2C_REFUSALS.some(
    (refusal) =>
      refusal.errorCode === errorCode && (!refusal.message || refusal.message.test(errorMessage ?? '')),
  );
}

/** The outcome of a B2C request Daraja answered (transport failures are judged by the caller). */
export function classifyB2cAnswer(httpStatus: number, body: unknown): B2cOutcome {
  const data = body && typeof body === 'object' ? (body as Record<string, unknown>) : undefined;
  const responseCode = data?.ResponseCode === undefined ? undefined : String(data.ResponseCode).trim();
  if (httpStatus === 200 && responseCode === '0' && typeof data?.ConversationID === 'string') {
    return {
      kind: 'accepted',
      conversationId: data.ConversationID,
      responseDescription: typeof data.ResponseDescription === 'string' ? data.ResponseDescription : null,
    };
  }
  // "ResponseCode ... 0 means success and any other code means an error occurred or the
  // transaction failed" (the B2C page): an answer with another ResponseCode was not accepted.
  if (
    httpStatus === 200 &&
    responseCode !== undefined &&
    /^\w{1,12}$/.test(responseCode) &&
    responseCode !== '0'
  ) {
    return {
      kind: 'rejected',
      error: darajaError(httpStatus, {
        errorCode: responseCode,
        errorMessage: typeof data?.ResponseDescription === 'string' ? data.ResponseDescription : undefined,
      }),
      resultCode: responseCode,
    };
  }
  const { errorCode } = readDarajaError(body);
  if (errorCode === DUPLICATE_ORIGINATOR)
    return { kind: 'unknown', reason: 'Daraja already has a request with this OriginatorConversationID' };
  if (isDocumentedRefusal(body))
    return { kind: 'rejected', error: darajaError(httpStatus, body), resultCode: errorCode ?? null };
  return {
    kind: 'unknown',
    reason: `HTTP ${httpStatus} ${errorCode ? `errorCode ${errorCode}` : 'without an acceptance or a documented refusal'}`,
  };
}
