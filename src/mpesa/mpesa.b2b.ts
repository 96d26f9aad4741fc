// Business to Business (Daraja's Business Pay Bill and Business Buy Goods): a supplier payment
// from the merchant's shortcode to a PayBill (with an account number) or a till. Unlike B2C v3,
// the B2B request takes no OriginatorConversationID: Daraja makes one up and gives it back in its
// answer, with the ConversationID (docs/daraja.md "Supplier payments (B2B)"). So Daraja cannot
// refuse a duplicate for us: the payout's one claim (payout.send.ts) is the only guard, and an
// answer that never came leaves the payout unknown until its result reaches the payout's own
// ResultURL. The answer is judged as B2C's: only a documented refusal is a failure.
import type { AppError } from '../errors';
import { classifyB2cAnswer, type InitiatorCredential } from './mpesa.b2c';

export const B2B_PATH = '/mpesa/b2b/v1/paymentrequest';

/** Shortcode to shortcode: SenderIdentifierType and RecieverIdentifierType are "4" (DOC-BPB). */
const SHORTCODE_IDENTIFIER = '4';

export interface B2bInput {
  /** Our payout id, for logs only: Daraja's B2B request has no field for it. */
  payoutId: string;
  commandId: 'BusinessPayBill' | 'BusinessBuyGoods';
  amount: number;
  /** PartyA: the merchant's shortcode the money leaves from (its Working account). */
  shortcode: string;
  /** PartyB: the PayBill or till paid. */
  recipient: string;
  /** AccountReference: the account number at a PayBill. */
  accountReference: string | null;
  remarks: string;
  resultUrl: string;
  queueTimeoutUrl: string;
}

export type B2bOutcome =
  | { kind: 'accepted'; conversationId: string; originatorConversationId: string | null }
  | { kind: 'rejected'; error: AppError; resultCode: string | null }
  | { kind: 'unknown'; reason: string };

export function b2bBody(initiator: InitiatorCredential, input: B2bInput): Record<string, unknown> {
  return {
    Initiator: initiator.initiatorName,
    SecurityCredential: initiator.securityCredential,
    // Daraja's sample body writes "Command ID"; its table and every client send CommandID.
    CommandID: input.commandId,
    SenderIdentifierType: SHORTCODE_IDENTIFIER,
    // Daraja's own spelling.
    RecieverIdentifierType: SHORTCODE_IDENTIFIER,
    Amount: input.amount,
    PartyA: input.shortcode,
    PartyB: input.recipient,
    // A till has no account: Daraja's Buy Goods samples still send one, so the till's number goes.
    AccountReference: input.accountReference ?? input.recipient,
    Remarks: input.remarks,
    QueueTimeOutURL: input.queueTimeoutUrl,
    ResultURL: input.resultUrl,
  };
}

/** The outcome of a B2B request Daraja answered (transport failures are judged by the caller). */
export function classifyB2bAnswer(httpStatus: number, body: unknown): B2bOutcome {
  const outcome = classifyB2cAnswer(httpStatus, body);
  if (outcome.kind !== 'accepted') return outcome;
  const given = (body as Record<string, unknown>).OriginatorConversationID;
  return {
    kind: 'accepted',
    conversationId: outcome.conversationId,
    originatorConversationId: typeof given === 'string' && given.trim() !== '' ? given.slice(0, 128) : null,
  };
}
