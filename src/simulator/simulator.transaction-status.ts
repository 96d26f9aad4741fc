// Daraja's Transaction Status as the simulator plays it (docs/daraja.md §7 "Transaction
// Status"): a synchronous "accepted" with the ConversationID, then the Result POSTed once to the
// ResultURL, like every Daraja result (no retry, no signature). It is asked by receipt
// (TransactionID) or by the OriginatorConversationID of a payout (OriginalConversationID). The
// Result says:
// - 0 and the transaction's ResultParameters (its real ReceiptNo, Amount, parties) when the
//   receipt is one the simulator issued to the asking shortcode, with the placeholder
//   `TransactionID` Daraja puts beside them (today's receipt prefix and zeros, e.g. MBN0000000);
// - 0 and a payout's ResultParameters (TransactionStatus "Completed", or "Declined" for one that
//   failed) when the OriginalConversationID is a B2C payout of the asking shortcode that has
//   settled by the time the Result is posted (simulator.b2c.ts);
// - 2032 when it knows no such receipt or payout (a payout still in flight included);
// - 2001 "The initiator information is invalid." when the SecurityCredential does not decrypt,
//   with the simulator's key, to the initiator's password (or the initiator is unknown);
// - 8006 "The security credential is locked." once an initiator has failed LOCK_AFTER_FAILURES
//   times in a row, until the simulator restarts.
import type { Request, Response } from 'express';
import type { Logger } from '../logger';
import type { SimulatorOptions } from './simulator';
import { originOf } from './simulator.callbacks';
import type { SimulatorCredentials } from './simulator.credentials';
import type { SimulatorMerchant } from './simulator.directory';
import { invalidField, type DarajaError } from './simulator.errors';
import { newReceiptNumber } from './simulator.ids';
import { receiptTime, type ReceiptLedger, type SimulatedReceipt } from './simulator.receipts';
import type { TokenStore } from './simulator.tokens';
import { readShortCode, type Checked } from './simulator.validation';
import { createConversationIds } from './simulator.conversation-ids';
import type { InitiatorChecks } from './simulator.initiators';

export { LOCK_AFTER_FAILURES } from './simulator.initiators';
const CALLBACK_TIMEOUT_MS = 10_000;
const ACCEPTED = 'Accept the service request successfully.';
/** The simulator knows no merchant's name; Daraja shows the organisation's. */
const SIMULATED_MERCHANT_NAME = 'SIMULATED MERCHANT';

export const TRANSACTION_STATUS_RESULTS = {
  found: { code: 0, desc: 'The service request is processed successfully.' },
  // The code is the one integrators meet for an unknown receipt; no public capture gives its
  // wording, so this text is the simulator's own (docs/daraja.md §7, §11).
  notFound: { code: 2032, desc: 'The transaction receipt number does not exist.' },
  initiatorInvalid: { code: 2001, desc: 'The initiator information is invalid.' },
  credentialLocked: { code: 8006, desc: 'The security credential is locked.' },
} as const;

interface TransactionStatusRequest {
  initiator: string;
  securityCredential: string;
  /** The receipt asked about; undefined when a payout is asked about by its OriginatorConversationID. */
  transactionId: string | undefined;
  originalConversationId: string | undefined;
  partyA: string;
  resultUrl: string;
  queueTimeOutUrl: string;
  occasion: string | undefined;
}

interface Deps {
  options: SimulatorOptions;
  tokens: TokenStore;
  receipts: ReceiptLedger;
  credentials: SimulatorCredentials;
  initiators: InitiatorChecks;
  /** A B2C payout's ResultParameters once it settles (simulator.b2c.ts); undefined when none. */
  payoutStatus(shortcode: string, originatorConversationId: string, at: number): object[] | undefined;
  /** The reversal of a receipt, once M-Pesa made it (simulator.reversal.ts). */
  reversalOf(receipt: string, at: number): { receipt: string; at: number } | undefined;
  refuse: (res: Response, error: DarajaError) => void;
  onPost: () => void;
}

const isText = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

function readUrl(value: unknown): string | undefined {
  if (typeof value !== 'string' || /\s/.test(value)) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Field checks in the order of Daraja's table, each refused as `400.002.02 Bad Request - Invalid <Field>`. */
export function validateTransactionStatus(body: Record<string, unknown>): Checked<TransactionStatusRequest> {
  const invalid = (field: string): Checked<TransactionStatusRequest> => ({
    ok: false,
    error: invalidField(field),
  });
  if (body.CommandID !== 'TransactionStatusQuery') return invalid('CommandID');
  const partyA = readShortCode(body.PartyA);
  if (partyA === undefined) return invalid('PartyA');
  if (!['1', '2', '4'].includes(String(body.IdentifierType))) return invalid('IdentifierType');
  if (!isText(body.Initiator)) return invalid('Initiator');
  if (!isText(body.SecurityCredential)) return invalid('SecurityCredential');
  const queueTimeOutUrl = readUrl(body.QueueTimeOutURL);
  if (queueTimeOutUrl === undefined) return invalid('QueueTimeOutURL');
  // A payout is asked about by the OriginatorConversationID it was sent with, without a receipt.
  const originalConversationId =
    typeof body.OriginalConversationID === 'string' && body.OriginalConversationID.trim() !== ''
      ? body.OriginalConversationID
      : undefined;
  const transactionId =
    typeof body.TransactionID === 'string' && /^[A-Za-z0-9]{10}$/.test(body.TransactionID)
      ? body.TransactionID.toUpperCase()
      : undefined;
  if (!transactionId && (body.TransactionID !== undefined || !originalConversationId))
    return invalid('TransactionID');
  const resultUrl = readUrl(body.ResultURL);
  if (resultUrl === undefined) return invalid('ResultURL');
  if (!isText(body.Remarks)) return invalid('Remarks');
  return {
    ok: true,
    value: {
      initiator: body.Initiator,
      securityCredential: body.SecurityCredential,
      transactionId,
      originalConversationId,
      partyA,
      resultUrl,
      queueTimeOutUrl,
      occasion: typeof body.Occasion === 'string' ? body.Occasion : undefined,
    },
  };
}

/** Daraja's placeholder TransactionID: the day's receipt prefix and zeros (MBN0000000 beside ReceiptNo MBN31H462N). */
export const placeholderTransactionId = (at: number) => `${newReceiptNumber(at).slice(0, 3)}0000000`;

/** The found transaction as Daraja's ResultParameters: strings, one key without a Value, as in its sample. */
function resultParameters(
  receipt: SimulatedReceipt,
  conversation: { conversationId: string; originatorConversationId: string },
  reversed: boolean,
) {
  const time = receiptTime(receipt);
  return [
    { Key: 'DebitPartyName', Value: `${receipt.phoneNumber} - ${receipt.payerName}` },
    { Key: 'CreditPartyName', Value: `${receipt.till ?? receipt.shortcode} - ${SIMULATED_MERCHANT_NAME}` },
    { Key: 'OriginatorConversationID', Value: conversation.originatorConversationId },
    { Key: 'InitiatedTime', Value: time },
    { Key: 'DebitAccountType', Value: 'MMF Account For Customer' },
    { Key: 'DebitPartyCharges' },
    { Key: 'TransactionReason' },
    { Key: 'ReasonType', Value: receipt.reason },
    // A reversed receipt reports "Reversed": the simulator's model; no public capture shows what
    // M-Pesa reports for one (docs/daraja.md §11).
    { Key: 'TransactionStatus', Value: reversed ? 'Reversed' : 'Completed' },
    { Key: 'FinalisedTime', Value: time },
    { Key: 'Amount', Value: String(receipt.amount) },
    { Key: 'ConversationID', Value: conversation.conversationId },
    { Key: 'ReceiptNo', Value: receipt.receiptNo },
  ];
}

export function createTransactionStatus(deps: Deps) {
  const { options, tokens, receipts, refuse } = deps;
  const { logger } = options;
  const ids = createConversationIds();
  const poster = createResultPoster(logger, deps.onPost);

  /** Whether the credential is the initiator's password; counts failures and locks. */
  function checkInitiator(
    merchant: SimulatorMerchant,
    request: TransactionStatusRequest,
  ): (typeof TRANSACTION_STATUS_RESULTS)[keyof typeof TRANSACTION_STATUS_RESULTS] | undefined {
    const checked = deps.initiators.check(
      merchant,
      request.partyA,
      request.initiator,
      request.securityCredential,
    );
    if (checked === 'locked') return TRANSACTION_STATUS_RESULTS.credentialLocked;
    return checked === 'invalid' ? TRANSACTION_STATUS_RESULTS.initiatorInvalid : undefined;
  }

  async function handle(req: Request, res: Response): Promise<void> {
    const checked = validateTransactionStatus(req.body as Record<string, unknown>);
    if (!checked.ok) return refuse(res, checked.error);
    const request = checked.value;
    // Only this service's own callback routes, as for STK (simulator.callback-targets.ts).
    for (const [field, url] of [
      ['ResultURL', request.resultUrl],
      ['QueueTimeOutURL', request.queueTimeOutUrl],
    ] as const) {
      if (!options.callbackTargets.allows(url)) {
        logger.warn('simulator refused a result URL that is not a callback route of this service', {
          field,
          origin: originOf(url),
        });
        return refuse(res, invalidField(field));
      }
    }
    const app = tokens.appOf(/^Bearer (\S+)$/i.exec(req.get('authorization') ?? '')?.[1] ?? '') ?? '';
    const merchant = await options.directory.merchant(request.partyA, app);
    // Not a shortcode of this app: Daraja's answer is not documented; the simulator refuses PartyA.
    if (!merchant) return refuse(res, invalidField('PartyA'));
    const now = Date.now();
    const conversation = {
      conversationId: ids.conversationId(now),
      originatorConversationId: ids.originatorConversationId(),
    };
    const refused = checkInitiator(merchant, request);
    const receipt = refused || !request.transactionId ? undefined : receipts.find(request.transactionId, now);
    // Paid to the asking shortcode, or to one of its tills (a C2B payment names the till itself).
    const ours =
      receipt &&
      (receipt.shortcode === request.partyA ||
        merchant.tills.includes(receipt.shortcode) ||
        (receipt.till !== undefined && merchant.tills.includes(receipt.till)));
    // A payout as it will stand when the Result is posted.
    const payout =
      !refused && !request.transactionId && request.originalConversationId
        ? deps.payoutStatus(request.partyA, request.originalConversationId, now + options.callbackDelayMs)
        : undefined;
    const result =
      refused ?? (ours || payout ? TRANSACTION_STATUS_RESULTS.found : TRANSACTION_STATUS_RESULTS.notFound);
    const body = {
      Result: {
        ResultType: 0,
        ResultCode: result.code,
        ResultDesc: result.desc,
        OriginatorConversationID: conversation.originatorConversationId,
        ConversationID: conversation.conversationId,
        TransactionID: placeholderTransactionId(now),
        ...(ours && result === TRANSACTION_STATUS_RESULTS.found
          ? {
              ResultParameters: {
                ResultParameter: resultParameters(
                  receipt!,
                  conversation,
                  deps.reversalOf(receipt!.receiptNo, now + options.callbackDelayMs) !== undefined,
                ),
              },
            }
          : payout && result === TRANSACTION_STATUS_RESULTS.found
            ? { ResultParameters: { ResultParameter: payout } }
            : {}),
        ReferenceData: {
          ReferenceItem: { Key: 'Occasion', ...(request.occasion ? { Value: request.occasion } : {}) },
        },
      },
    };
    logger.info('simulator accepted transaction status query', {
      conversationId: conversation.conversationId,
      resultCode: result.code,
    });
    res.json({
      OriginatorConversationID: conversation.originatorConversationId,
      ConversationID: conversation.conversationId,
      ResponseCode: '0',
      ResponseDescription: ACCEPTED,
    });
    poster.schedule(request.resultUrl, body, options.callbackDelayMs);
  }

  return { handle, stop: poster.stop };
}

/** Results are POSTed once, never retried, like the STK callback (docs/daraja.md §3, §10.10). */
function createResultPoster(logger: Logger, onPost: () => void) {
  const timers = new Set<NodeJS.Timeout>();
  const stopping = new AbortController();
  async function post(url: string, body: object): Promise<void> {
    onPost();
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(CALLBACK_TIMEOUT_MS), stopping.signal]),
      });
      await response.arrayBuffer();
      logger.info('simulator result delivered', { origin: originOf(url), status: response.status });
    } catch (error) {
      logger.warn('simulator result not delivered; Safaricom does not retry', {
        origin: originOf(url),
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return {
    schedule(url: string, body: object, delayMs: number) {
      if (stopping.signal.aborted) return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        void post(url, body);
      }, delayMs);
      timer.unref();
      timers.add(timer);
    },
    stop() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      stopping.abort();
    },
  };
}
