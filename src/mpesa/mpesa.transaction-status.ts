// Daraja's Transaction Status request and what its synchronous answer means (docs/daraja.md §7
// "Transaction Status"). The answer only says Daraja took the request; the transaction's status
// comes later, POSTed to the ResultURL (or to the QueueTimeOutURL when M-Pesa's queue gave up).
import { AppError } from '../errors';
import { darajaError, readDarajaError } from './mpesa.errors';

export const TRANSACTION_STATUS_PATH = '/mpesa/transactionstatus/v1/query';
/** The only CommandID this API takes. */
const COMMAND_ID = 'TransactionStatusQuery';
/** IdentifierType 4: PartyA is an organisation shortcode (the documented sample). */
export const ORGANISATION_SHORTCODE = '4';

export interface TransactionStatusInput {
  initiatorName: string;
  securityCredential: string;
  /** The M-Pesa receipt asked about (TransactionID); or, for a payout, none and its OriginatorConversationID below. */
  receipt?: string;
  /** The OriginatorConversationID a B2C payout was sent with (OriginalConversationID on the wire). */
  originalConversationId?: string;
  /** The shortcode whose transaction it is. */
  partyA: string;
  resultUrl: string;
  queueTimeOutUrl: string;
  remarks: string;
  occasion: string;
}

export type TransactionStatusOutcome =
  | { kind: 'accepted'; conversationId: string; originatorConversationId: string | null }
  /** Daraja refused the request itself (a field, the token, throttling): no Result will come. */
  | { kind: 'rejected'; error: AppError }
  /** The request may have reached Daraja and its answer was lost: a Result may still come. */
  | { kind: 'unknown'; reason: string };

export function transactionStatusBody(input: TransactionStatusInput) {
  return {
    Initiator: input.initiatorName,
    SecurityCredential: input.securityCredential,
    CommandID: COMMAND_ID,
    ...(input.receipt ? { TransactionID: input.receipt } : {}),
    ...(input.originalConversationId ? { OriginalConversationID: input.originalConversationId } : {}),
    PartyA: input.partyA,
    IdentifierType: ORGANISATION_SHORTCODE,
    ResultURL: input.resultUrl,
    QueueTimeOutURL: input.queueTimeOutUrl,
    Remarks: input.remarks,
    Occasion: input.occasion,
  };
}

/** Accepted only on HTTP 200 with ResponseCode "0" and a ConversationID; Daraja's error bodies are refusals. */
export function classifyTransactionStatusAnswer(httpStatus: number, data: unknown): TransactionStatusOutcome {
  const body = data && typeof data === 'object' ? (data as Record<string, unknown>) : {};
  const responseCode = body.ResponseCode === undefined ? undefined : String(body.ResponseCode);
  if (httpStatus === 200 && responseCode === '0' && typeof body.ConversationID === 'string') {
    return {
      kind: 'accepted',
      conversationId: body.ConversationID,
      originatorConversationId:
        typeof body.OriginatorConversationID === 'string' ? body.OriginatorConversationID : null,
    };
  }
  if (readDarajaError(data).errorCode !== undefined)
    return { kind: 'rejected', error: darajaError(httpStatus, data) };
  return { kind: 'unknown', reason: `unreadable answer (HTTP ${httpStatus})` };
}
