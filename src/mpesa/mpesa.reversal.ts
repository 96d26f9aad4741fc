// Daraja's Reversal and Account Balance requests, and what their synchronous answer means
// (docs/daraja.md §7 "Reversal", "Account Balance"). Both are asynchronous: the answer only says
// Daraja took the request; the outcome is POSTed to ResultURL later, once. A reversal is
// accepted only on HTTP 200, ResponseCode "0" and a ConversationID; refused on a 4xx error body
// (the gateway's validation and auth: M-Pesa never saw it); anything else (a timeout, a 5xx, an
// unreadable answer) may have reached M-Pesa and is `unknown`, resolved by Transaction Status.
import type { AppError } from '../errors';
import type { InitiatorCredential } from './mpesa.b2c';
import { darajaError, readDarajaError } from './mpesa.errors';

export const REVERSAL_PATH = '/mpesa/reversal/v1/request';
export const ACCOUNT_BALANCE_PATH = '/mpesa/accountbalance/v1/query';
/** The receiver of a reversal is an organisation (Daraja's documented RecieverIdentifierType "11"). */
const REVERSAL_RECEIVER_TYPE = '11';
/** PartyA of Account Balance is an organisation shortcode. */
const ORGANISATION_SHORTCODE = '4';

export interface ReversalInput {
  /** The receipt of the payment to give back (TransactionID). */
  receipt: string;
  /** The whole amount of that payment (a reversal is of the full amount). */
  amount: number;
  /** The shortcode that received it (ReceiverParty). */
  shortcode: string;
  remarks: string;
  occasion: string;
  resultUrl: string;
  queueTimeoutUrl: string;
}

export interface AccountBalanceInput {
  shortcode: string;
  remarks: string;
  resultUrl: string;
  queueTimeoutUrl: string;
}

export type AsyncRequestOutcome =
  | { kind: 'accepted'; conversationId: string; originatorConversationId: string | null }
  /** Refused before M-Pesa saw it: nothing happened. */
  | { kind: 'rejected'; error: AppError; resultCode: string | null }
  /** It may have reached M-Pesa: only Transaction Status (or a late Result) can say. */
  | { kind: 'unknown'; reason: string };

export function reversalBody(initiator: InitiatorCredential, input: ReversalInput): Record<string, unknown> {
  return {
    Initiator: initiator.initiatorName,
    SecurityCredential: initiator.securityCredential,
    CommandID: 'TransactionReversal',
    TransactionID: input.receipt,
    Amount: input.amount,
    ReceiverParty: input.shortcode,
    // Daraja's own spelling of the field (docs/daraja.md §7 "Reversal").
    RecieverIdentifierType: REVERSAL_RECEIVER_TYPE,
    ResultURL: input.resultUrl,
    QueueTimeOutURL: input.queueTimeoutUrl,
    Remarks: input.remarks,
    Occasion: input.occasion,
  };
}

export function accountBalanceBody(
  initiator: InitiatorCredential,
  input: AccountBalanceInput,
): Record<string, unknown> {
  return {
    Initiator: initiator.initiatorName,
    SecurityCredential: initiator.securityCredential,
    CommandID: 'AccountBalance',
    PartyA: input.shortcode,
    IdentifierType: ORGANISATION_SHORTCODE,
    Remarks: input.remarks,
    QueueTimeOutURL: input.queueTimeoutUrl,
    ResultURL: input.resultUrl,
  };
}

/** The outcome of an asynchronous request Daraja answered (transport failures are judged by the caller). */
export function classifyAsyncAnswer(httpStatus: number, body: unknown): AsyncRequestOutcome {
  const data = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const responseCode = data.ResponseCode === undefined ? undefined : String(data.ResponseCode).trim();
  if (httpStatus === 200 && responseCode === '0' && typeof data.ConversationID === 'string')
    return {
      kind: 'accepted',
      conversationId: data.ConversationID,
      originatorConversationId:
        typeof data.OriginatorConversationID === 'string' ? data.OriginatorConversationID : null,
    };
  const { errorCode } = readDarajaError(body);
  if (errorCode !== undefined && httpStatus >= 400 && httpStatus < 500)
    return { kind: 'rejected', error: darajaError(httpStatus, body), resultCode: errorCode };
  return {
    kind: 'unknown',
    reason: `HTTP ${httpStatus} ${errorCode ? `errorCode ${errorCode}` : 'without an acceptance'}`,
  };
}
