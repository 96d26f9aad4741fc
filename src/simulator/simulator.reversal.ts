// Daraja's Reversal API as the simulator plays it (docs/daraja.md §7 "Reversal"): the request
// names the receipt to undo (TransactionID), its Amount and the shortcode that received it
// (ReceiverParty, RecieverIdentifierType "11" — Daraja's own spelling), is acknowledged at once
// (ResponseCode "0"), and the Result is posted to ResultURL later, once, never again:
// - 0 with the reversal's own receipt as TransactionID, the money back with the customer (the
//   shortcode's Working account debited);
// - R000001 "The transaction has already been reversed." for a receipt reversed before;
// - R000002 "The OriginalTransactionID is invalid." for a receipt this shortcode never received;
// - 2001 / 8006 when the initiator's SecurityCredential does not open, as for B2C.
// A B2C payout's receipt is none of the shortcode's received payments: R000002, as M-Pesa's
// Reversal API reverses C2B payments only (docs/daraja.md §7).
import type { Request, Response } from 'express';
import type { BalanceBook } from './simulator.balances';
import type { CallbackTargets } from './simulator.callback-targets';
import { createConversationIds } from './simulator.conversation-ids';
import { invalidField, type DarajaError } from './simulator.errors';
import { eatTimestamp, newReceiptNumber } from './simulator.ids';
import type { ReceiptLedger, SimulatedReceipt } from './simulator.receipts';
import type { ResultPoster } from './simulator.results';
import { readShortCode, type Checked } from './simulator.validation';

const ACCEPTED = 'Accept the service request successfully.';
// The QueueTimeoutURL Daraja's samples carry in a reversal's ReferenceData.
const INTERNAL_QUEUE_URL = 'https://internalsandbox.safaricom.co.ke/mpesa/reversalresults/v1/submit';
/** Daraja's documented identifier type for the reversal's receiver; older samples send "4". */
const RECEIVER_TYPES = ['11', '4'];

export const REVERSAL_RESULTS = {
  success: { code: '0', desc: 'The service request is processed successfully.' },
  alreadyReversed: { code: 'R000001', desc: 'The transaction has already been reversed.' },
  invalidOriginal: { code: 'R000002', desc: 'The OriginalTransactionID is invalid.' },
  insufficientBalance: { code: '1', desc: 'The balance is insufficient for the transaction.' },
  initiatorInvalid: { code: '2001', desc: 'The initiator information is invalid.' },
  credentialLocked: { code: '8006', desc: 'The security credential is locked.' },
} as const;
type ReversalResult = (typeof REVERSAL_RESULTS)[keyof typeof REVERSAL_RESULTS];

export interface ReversalRequest {
  initiator: string;
  securityCredential: string;
  transactionId: string;
  amount: number;
  receiverParty: string;
  resultUrl: string;
  queueTimeoutUrl: string;
  remarks: string;
  occasion: string | undefined;
}

/** What the next reversal of a shortcode does besides its result (set through the control path, for tests). */
export interface ReversalBehaviour {
  /** `never`: M-Pesa takes it and the answer never comes; `slow`: the answer comes after lateCallbackMs. */
  answer?: 'never' | 'slow';
  /** `lost`: the Result is never posted. */
  result?: 'lost';
}

const text = (value: unknown, min: number, max: number): string | undefined =>
  typeof value === 'string' && value.trim().length >= min && value.trim().length <= max ? value : undefined;

function url(value: unknown): string | undefined {
  if (typeof value !== 'string' || /\s/.test(value)) return undefined;
  try {
    const parsed = new URL(value);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Field checks, the first failure winning, each `400.002.02 Bad Request - Invalid <Field>`. */
export function validateReversal(body: Record<string, unknown>): Checked<ReversalRequest> {
  const invalid = (field: string): Checked<ReversalRequest> => ({ ok: false, error: invalidField(field) });
  const initiator = text(body.Initiator, 1, 128);
  if (initiator === undefined) return invalid('Initiator');
  const securityCredential = text(body.SecurityCredential, 1, 4096);
  if (securityCredential === undefined) return invalid('SecurityCredential');
  if (body.CommandID !== 'TransactionReversal') return invalid('CommandID');
  if (typeof body.TransactionID !== 'string' || !/^[A-Za-z0-9]{10}$/.test(body.TransactionID))
    return invalid('TransactionID');
  const amountText = typeof body.Amount === 'number' ? String(body.Amount) : String(body.Amount ?? '').trim();
  if (!/^\d{1,9}$/.test(amountText) || Number(amountText) < 1) return invalid('Amount');
  const receiverParty = readShortCode(body.ReceiverParty);
  if (receiverParty === undefined) return invalid('ReceiverParty');
  if (!RECEIVER_TYPES.includes(String(body.RecieverIdentifierType))) return invalid('RecieverIdentifierType');
  const resultUrl = url(body.ResultURL);
  if (resultUrl === undefined) return invalid('ResultURL');
  const queueTimeoutUrl = url(body.QueueTimeOutURL);
  if (queueTimeoutUrl === undefined) return invalid('QueueTimeOutURL');
  const remarks = text(body.Remarks, 2, 100);
  if (remarks === undefined) return invalid('Remarks');
  const occasion = body.Occasion === undefined ? undefined : text(body.Occasion, 0, 100);
  if (body.Occasion !== undefined && occasion === undefined) return invalid('Occasion');
  return {
    ok: true,
    value: {
      initiator,
      securityCredential,
      transactionId: body.TransactionID.toUpperCase(),
      amount: Number(amountText),
      receiverParty,
      resultUrl,
      queueTimeoutUrl,
      remarks,
      occasion,
    },
  };
}

export interface ReversalDeps {
  receipts: ReceiptLedger;
  balances: BalanceBook;
  poster: ResultPoster;
  targets: CallbackTargets;
  resultDelayMs: number;
  slowAnswerMs: number;
  /** The tills of `shortcode` for the app, or undefined when the app may not use the shortcode. */
  tillsOf(shortcode: string, consumerKey: string): Promise<readonly string[] | undefined>;
  /** 2001 or 8006 when the SecurityCredential does not open; undefined when it does. */
  checkInitiator(request: ReversalRequest, consumerKey: string): Promise<'invalid' | 'locked' | undefined>;
}

export interface SimulatedReversal {
  receipt: string;
  at: number;
}

export function createReversalDesk(deps: ReversalDeps) {
  const ids = createConversationIds();
  /** Reversed receipts: original receipt -> the reversal. */
  const reversed = new Map<string, SimulatedReversal>();
  const behaviours = new Map<string, ReversalBehaviour>();

  function resultBody(
    request: ReversalRequest,
    conversation: { conversationId: string; originatorConversationId: string },
    result: ReversalResult,
    detail: { receipt: string; original: SimulatedReceipt; at: number; workingCents: number } | undefined,
    at: number,
  ): object {
    return {
      Result: {
        ResultType: 0,
        // Numeric codes as numbers, R00000x as strings, as Daraja's results carry them.
        ResultCode: /^\d+$/.test(result.code) ? Number(result.code) : result.code,
        ResultDesc: result.desc,
        OriginatorConversationID: conversation.originatorConversationId,
        ConversationID: conversation.conversationId,
        // A failure's TransactionID is a placeholder, never a receipt.
        TransactionID: detail ? detail.receipt : `${newReceiptNumber(at).slice(0, 3)}0000000`,
        ...(detail
          ? {
              ResultParameters: {
                ResultParameter: [
                  {
                    Key: 'DebitAccountBalance',
                    Value: `Working Account|KES|${kesText(detail.workingCents)}|${kesText(detail.workingCents)}|0.00|0.00`,
                  },
                  { Key: 'Amount', Value: request.amount },
                  { Key: 'TransCompletedTime', Value: Number(eatTimestamp(detail.at)) },
                  { Key: 'OriginalTransactionID', Value: request.transactionId },
                  { Key: 'Charge', Value: 0 },
                  {
                    Key: 'CreditPartyPublicName',
                    Value: `${detail.original.phoneNumber} - ${detail.original.payerName}`,
                  },
                  { Key: 'DebitPartyPublicName', Value: `${request.receiverParty} - SIMULATED MERCHANT` },
                ],
              },
            }
          : {}),
        ReferenceData: { ReferenceItem: { Key: 'QueueTimeoutURL', Value: INTERNAL_QUEUE_URL } },
      },
    };
  }

  async function reverse(
    request: ReversalRequest,
    consumerKey: string,
  ): Promise<
    { kind: 'refuse'; error: DarajaError } | { kind: 'accept'; body: object; delayMs: number | 'never' }
  > {
    if (!deps.targets.allows(request.resultUrl)) return { kind: 'refuse', error: invalidField('ResultURL') };
    if (!deps.targets.allows(request.queueTimeoutUrl))
      return { kind: 'refuse', error: invalidField('QueueTimeOutURL') };
    const tills = await deps.tillsOf(request.receiverParty, consumerKey);
    if (!tills) return { kind: 'refuse', error: invalidField('ReceiverParty') };
    const now = Date.now();
    const settlesAt = now + deps.resultDelayMs;
    const conversation = {
      conversationId: ids.conversationId(now),
      originatorConversationId: ids.originatorConversationId(),
    };
    const initiator = await deps.checkInitiator(request, consumerKey);
    const original = deps.receipts.find(request.transactionId, now);
    const ours =
      original &&
      (original.shortcode === request.receiverParty ||
        tills.includes(original.shortcode) ||
        (original.till !== undefined && tills.includes(original.till)));
    let result: ReversalResult =
      initiator === 'locked'
        ? REVERSAL_RESULTS.credentialLocked
        : initiator === 'invalid'
          ? REVERSAL_RESULTS.initiatorInvalid
          : !ours
            ? REVERSAL_RESULTS.invalidOriginal
            : reversed.has(request.transactionId)
              ? REVERSAL_RESULTS.alreadyReversed
              : REVERSAL_RESULTS.success;
    if (result === REVERSAL_RESULTS.success && original!.amount !== request.amount)
      return { kind: 'refuse', error: invalidField('Amount') };
    let detail: Parameters<typeof resultBody>[3];
    if (result === REVERSAL_RESULTS.success) {
      const cents = request.amount * 100;
      const working = deps.balances.of(request.receiverParty).workingCents;
      if (working < cents) result = REVERSAL_RESULTS.insufficientBalance;
      else {
        const after = deps.balances.set(request.receiverParty, { workingCents: working - cents });
        const reversal = { receipt: newReceiptNumber(now), at: settlesAt };
        reversed.set(request.transactionId, reversal);
        detail = { ...reversal, original: original!, workingCents: after.workingCents };
      }
    }
    const behaviour = behaviours.get(request.receiverParty) ?? {};
    behaviours.delete(request.receiverParty);
    const answerDelay =
      behaviour.answer === 'never' ? 'never' : behaviour.answer === 'slow' ? deps.slowAnswerMs : 0;
    if (behaviour.result !== 'lost')
      deps.poster.schedule(
        request.resultUrl,
        () => resultBody(request, conversation, result, detail, settlesAt),
        [deps.resultDelayMs + (answerDelay === 'never' ? 0 : answerDelay)],
        { conversationId: conversation.conversationId, resultCode: result.code },
      );
    return {
      kind: 'accept',
      delayMs: answerDelay,
      body: {
        OriginatorConversationID: conversation.originatorConversationId,
        ConversationID: conversation.conversationId,
        ResponseCode: '0',
        ResponseDescription: ACCEPTED,
      },
    };
  }

  return {
    reverse,
    /** The reversal of `receipt` as M-Pesa knows it at `at`; undefined when it was not reversed (yet). */
    reversalOf(receipt: string, at: number): SimulatedReversal | undefined {
      const reversal = reversed.get(receipt.toUpperCase());
      return reversal && reversal.at <= at ? reversal : undefined;
    },
    /** The next reversal asked of `shortcode` behaves so (a test's or a demo's control). */
    setNext(shortcode: string, behaviour: ReversalBehaviour): void {
      behaviours.set(shortcode, behaviour);
    },
  };
}

export type ReversalDesk = ReturnType<typeof createReversalDesk>;

/** Cents as Daraja writes them in balance strings: "46713.00", "-220.00". Exact, no float. */
export function kesText(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const whole = Math.abs(cents);
  return `${sign}${Math.floor(whole / 100)}.${String(whole % 100).padStart(2, '0')}`;
}

/** The Reversal endpoint's handler (simulator.routes.ts mounts it). */
export function reversalHandler(
  desk: ReversalDesk,
  deps: { refuse(res: Response, error: DarajaError): void; appOf(req: Request): string; onRequest(): void },
) {
  const held = new Set<Response>();
  const handle = async (req: Request, res: Response): Promise<void> => {
    deps.onRequest();
    const checked = validateReversal(req.body as Record<string, unknown>);
    if (!checked.ok) return deps.refuse(res, checked.error);
    const answer = await desk.reverse(checked.value, deps.appOf(req));
    if (answer.kind === 'refuse') return deps.refuse(res, answer.error);
    // M-Pesa has the request either way; only its answer waits (or never comes).
    if (answer.delayMs === 'never') {
      held.add(res);
      res.once('close', () => held.delete(res));
      return;
    }
    const delayMs = answer.delayMs;
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (!res.headersSent && !res.writableEnded) res.json(answer.body);
  };
  return {
    handle,
    releaseHeld: () => {
      for (const res of held) res.destroy();
      held.clear();
    },
  };
}
