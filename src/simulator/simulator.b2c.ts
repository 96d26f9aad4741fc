// Business to Customer as Daraja plays it (docs/daraja.md "Payouts (B2C)"): v3 takes the
// caller's OriginatorConversationID and refuses a second request with it (500.002.1001
// "Duplicate OriginatorConversationID."); v1 makes one up. The request is acknowledged at once
// (ResponseCode "0"), the money leaves the shortcode's Utility account, and the Result is posted
// to ResultURL later, once, never again. Transaction Status finds a payout by its
// OriginatorConversationID (statusOf), which is how a merchant resolves a result that never came.
import { randomBytes, randomInt } from 'node:crypto';
import type { Request, Response } from 'express';
import { kes, type BalanceBook } from './simulator.balances';
import { B2C_RESULTS, b2cOutcomeFor, type B2cBehaviour, type B2cResult } from './simulator.b2c-outcomes';
import { DARAJA_ERRORS, invalidField, type DarajaError } from './simulator.errors';
import { eatParts, newReceiptNumber } from './simulator.ids';
import type { ResultPoster } from './simulator.results';
import type { CallbackTargets } from './simulator.callback-targets';
import { readMsisdn, readShortCode } from './simulator.validation';

export const B2C_COMMAND_IDS = ['BusinessPayment', 'SalaryPayment', 'PromotionPayment'] as const;
const ACCEPTED = 'Accept the service request successfully.';
// The QueueTimeoutURL Daraja's own samples carry in ReferenceData.
const INTERNAL_QUEUE_URL = 'https://internalsandbox.safaricom.co.ke/mpesa/b2cresults/v1/submit';
const MAX_REMEMBERED = 100_000;
const MIN_AMOUNT = 10;
const MAX_AMOUNT = 250_000;

export interface B2cRequest {
  originatorConversationId: string;
  initiatorName: string;
  securityCredential: string;
  commandId: string;
  amount: number;
  shortcode: string;
  phone: string;
  remarks: string;
  occasion: string | undefined;
  resultUrl: string;
  queueTimeoutUrl: string;
}

export interface SimulatedPayout {
  request: B2cRequest;
  conversationId: string;
  result: B2cResult;
  behaviour: B2cBehaviour;
  /** From when Transaction Status reports its result. */
  settlesAt: number;
  receipt: string;
  utilityAfterCents: number;
  workingAfterCents: number;
  chargesAfterCents: number;
}

type Checked<T> = { ok: true; value: T } | { ok: false; error: DarajaError };
const invalid = <T>(field: string): Checked<T> => ({ ok: false, error: invalidField(field) });

export function readText(value: unknown, min: number, max: number): string | undefined {
  if (typeof value !== 'string') return undefined;
  const length = value.trim().length;
  return length >= min && length <= max ? value : undefined;
}

export function readUrl(value: unknown): string | undefined {
  if (typeof value !== 'string' || /\s/.test(value)) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A whole amount as a number or a string of digits (the B2C sample sends "10"). */
export function readAmount(value: unknown): number | undefined {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (!/^\d{1,9}$/.test(text)) return undefined;
  const amount = Number(text);
  return amount >= 1 ? amount : undefined;
}

/** Checks a B2C body field by field, the first failure winning, as Daraja does. */
export function validateB2c(body: Record<string, unknown>, version: 'v1' | 'v3'): Checked<B2cRequest> {
  const originatorConversationId =
    version === 'v3' ? readText(body.OriginatorConversationID, 1, 64) : newOriginatorId();
  if (originatorConversationId === undefined) return invalid('OriginatorConversationID');
  const initiatorName = readText(body.InitiatorName, 1, 128);
  if (initiatorName === undefined) return invalid('InitiatorName');
  const securityCredential = readText(body.SecurityCredential, 1, 4096);
  if (securityCredential === undefined) return invalid('SecurityCredential');
  const commandId = body.CommandID;
  if (typeof commandId !== 'string' || !(B2C_COMMAND_IDS as readonly string[]).includes(commandId))
    return invalid('CommandID');
  const amount = readAmount(body.Amount);
  if (amount === undefined) return invalid('Amount');
  const shortcode = readShortCode(body.PartyA);
  if (shortcode === undefined) return invalid('PartyA');
  const phone = readMsisdn(body.PartyB);
  if (phone === undefined) return invalid('PartyB');
  const remarks = readText(body.Remarks, 2, 100);
  if (remarks === undefined) return invalid('Remarks');
  const queueTimeoutUrl = readUrl(body.QueueTimeOutURL);
  if (queueTimeoutUrl === undefined) return invalid('QueueTimeOutURL');
  const resultUrl = readUrl(body.ResultURL);
  if (resultUrl === undefined) return invalid('ResultURL');
  // v3 spells it Occassion, the old v1 page Occasion (docs/daraja.md §7 "Payouts (B2C)").
  const occasionField = body.Occassion !== undefined ? 'Occassion' : 'Occasion';
  const given = body[occasionField];
  const occasion = given === undefined ? undefined : readText(given, 1, 100);
  if (given !== undefined && occasion === undefined) return invalid(occasionField);
  return {
    ok: true,
    value: {
      originatorConversationId,
      initiatorName,
      securityCredential,
      commandId,
      amount,
      shortcode,
      phone,
      remarks,
      occasion,
      resultUrl,
      queueTimeoutUrl,
    },
  };
}

/** v1's own OriginatorConversationID, shaped like `16740-34861180-1`. */
export function newOriginatorId(): string {
  return `${randomInt(10_000, 99_999)}-${randomInt(10_000_000, 99_999_999)}-1`;
}

/** `AG_20240706_2010364430d9bbdaf872`: AG_, the EAT date, 20 hex characters. */
export function newConversationId(now: number): string {
  const t = eatParts(now);
  return `AG_${t.year}${t.month}${t.day}_${randomBytes(10).toString('hex')}`;
}

/** Daraja's failure results carry a TransactionID that is no receipt (docs/daraja.md). */
export const placeholderReceipt = (now: number) => `${newReceiptNumber(now).slice(0, 3)}0000000`;

/** dd.MM.yyyy HH:mm:ss in EAT, as TransactionCompletedDateTime. */
function completedDateTime(at: number): string {
  const t = eatParts(at);
  return `${t.day}.${t.month}.${t.year} ${t.hour}:${t.minute}:${t.second}`;
}

export const eatCompact = (at: number) => {
  const t = eatParts(at);
  return `${t.year}${t.month}${t.day}${t.hour}${t.minute}${t.second}`;
};

export interface B2cDeps {
  balances: BalanceBook;
  poster: ResultPoster;
  targets: CallbackTargets;
  resultDelayMs: number;
  slowAnswerMs: number;
  /** 2001 or 8006 when the initiator's SecurityCredential does not open (simulator.initiators.ts); undefined when it does. */
  checkInitiator(request: B2cRequest, consumerKey: string): Promise<B2cResult | undefined>;
  /** Whether the app `consumerKey` may pay from `shortcode`. */
  knowsShortcode(shortcode: string, consumerKey: string): Promise<boolean>;
}

export type B2cAnswer =
  | { kind: 'refuse'; error: DarajaError }
  | { kind: 'accept'; payout: SimulatedPayout; body: object; delayMs: number | 'never' };

export function createB2cDesk(deps: B2cDeps) {
  const payouts = new Map<string, SimulatedPayout>();
  const keyOf = (shortcode: string, originatorId: string) => `${shortcode}\u0000${originatorId}`;

  function resultBody(payout: SimulatedPayout, drifted: boolean): object {
    const { request, result } = payout;
    const success = result.resultCode === 0;
    const parameters = [
      { Key: 'TransactionAmount', Value: request.amount },
      { Key: 'TransactionReceipt', Value: payout.receipt },
      { Key: 'ReceiverPartyPublicName', Value: `${request.phone} - SIMULATED CUSTOMER` },
      { Key: 'TransactionCompletedDateTime', Value: completedDateTime(payout.settlesAt) },
      { Key: 'B2CUtilityAccountAvailableFunds', Value: kes(payout.utilityAfterCents) },
      { Key: 'B2CWorkingAccountAvailableFunds', Value: kes(payout.workingAfterCents) },
      { Key: 'B2CRecipientIsRegisteredCustomer', Value: 'Y' },
      { Key: 'B2CChargesPaidAccountAvailableFunds', Value: kes(payout.chargesAfterCents) },
    ];
    return {
      Result: {
        ResultType: drifted ? '0' : 0,
        ResultCode: drifted ? String(result.resultCode) : result.resultCode,
        ResultDesc: result.resultDesc,
        OriginatorConversationID: request.originatorConversationId,
        ConversationID: payout.conversationId,
        TransactionID: success ? payout.receipt : placeholderReceipt(payout.settlesAt),
        ...(success ? { ResultParameters: { ResultParameter: drifted ? parameters[1]! : parameters } } : {}),
        ReferenceData: {
          ReferenceItem: drifted
            ? { Key: 'QueueTimeoutURL' }
            : { Key: 'QueueTimeoutURL', Value: INTERNAL_QUEUE_URL },
        },
      },
    };
  }

  function timeoutBody(payout: SimulatedPayout): object {
    return {
      Result: {
        ResultType: 1,
        ResultCode: 1,
        ResultDesc: 'The service request has timed out.',
        OriginatorConversationID: payout.request.originatorConversationId,
        ConversationID: payout.conversationId,
        TransactionID: placeholderReceipt(payout.settlesAt),
      },
    };
  }

  /** Decides the payout at once (its money leaves now), and schedules what it posts. */
  async function pay(request: B2cRequest, consumerKey: string): Promise<B2cAnswer> {
    if (!deps.targets.allows(request.resultUrl)) return { kind: 'refuse', error: invalidField('ResultURL') };
    if (!deps.targets.allows(request.queueTimeoutUrl))
      return { kind: 'refuse', error: invalidField('QueueTimeOutURL') };
    if (!(await deps.knowsShortcode(request.shortcode, consumerKey)))
      return { kind: 'refuse', error: DARAJA_ERRORS.merchantDoesNotExist };
    const key = keyOf(request.shortcode, request.originatorConversationId);
    if (payouts.has(key)) return { kind: 'refuse', error: DUPLICATE_ORIGINATOR };

    const now = Date.now();
    const outcome = b2cOutcomeFor(request.phone);
    const refusedInitiator = await deps.checkInitiator(request, consumerKey);
    const cents = request.amount * 100;
    let result: B2cResult =
      refusedInitiator ??
      outcome.behaviour.result ??
      (request.amount < MIN_AMOUNT
        ? B2C_RESULTS.belowMinimum
        : request.amount > MAX_AMOUNT
          ? B2C_RESULTS.aboveMaximum
          : B2C_RESULTS.success);
    if (result.resultCode === 0 && !deps.balances.debitUtility(request.shortcode, cents))
      result = B2C_RESULTS.insufficientBalance;
    const balances = deps.balances.of(request.shortcode);
    const answerDelay =
      outcome.behaviour.answer === 'slow'
        ? deps.slowAnswerMs
        : outcome.behaviour.answer === 'never'
          ? 'never'
          : 0;
    const payout: SimulatedPayout = {
      request,
      conversationId: newConversationId(now),
      result,
      behaviour: outcome.behaviour,
      settlesAt: now + (answerDelay === 'never' ? 0 : answerDelay) + deps.resultDelayMs,
      receipt: newReceiptNumber(now),
      utilityAfterCents: balances.utilityCents,
      workingAfterCents: balances.workingCents,
      chargesAfterCents: balances.chargesPaidCents,
    };
    payouts.set(key, payout);
    if (payouts.size > MAX_REMEMBERED) payouts.delete(payouts.keys().next().value as string);

    const delay = payout.settlesAt - now;
    const fields = {
      originatorConversationId: request.originatorConversationId,
      resultCode: result.resultCode,
    };
    const { delivery } = outcome.behaviour;
    if (delivery === 'queue-timeout')
      deps.poster.schedule(request.queueTimeoutUrl, () => timeoutBody(payout), [delay], fields);
    else if (delivery !== 'lost')
      deps.poster.schedule(
        request.resultUrl,
        () => resultBody(payout, delivery === 'drifted'),
        delivery === 'twice' ? [delay, delay + 100] : [delay],
        fields,
      );
    return {
      kind: 'accept',
      payout,
      delayMs: answerDelay,
      body: {
        ConversationID: payout.conversationId,
        OriginatorConversationID: request.originatorConversationId,
        ResponseCode: '0',
        ResponseDescription: ACCEPTED,
      },
    };
  }

  /**
   * What Transaction Status reports about the payout `originatorId` of `shortcode` at `now`: its
   * ResultParameters once it settled; undefined when there is none (or it is still in flight).
   */
  function statusOf(shortcode: string, originatorId: string, now: number): object[] | undefined {
    const payout = payouts.get(keyOf(shortcode, originatorId));
    if (!payout || now < payout.settlesAt) return undefined;
    const { request } = payout;
    const paid = payout.result.resultCode === 0;
    return [
      { Key: 'DebitPartyName', Value: `${request.shortcode} - Simulated B2C` },
      { Key: 'CreditPartyName', Value: `${request.phone} - SIMULATED CUSTOMER` },
      { Key: 'OriginatorConversationID', Value: request.originatorConversationId },
      { Key: 'InitiatedTime', Value: eatCompact(payout.settlesAt) },
      { Key: 'DebitAccountType', Value: 'Utility Account' },
      { Key: 'DebitPartyCharges' },
      // Daraja's own sample has this Key with no Value (docs/daraja.md): readers must cope.
      { Key: 'TransactionReason' },
      { Key: 'ReasonType', Value: 'Business Payment to Customer via API' },
      { Key: 'TransactionStatus', Value: paid ? 'Completed' : 'Declined' },
      { Key: 'FinalisedTime', Value: eatCompact(payout.settlesAt) },
      { Key: 'Amount', Value: String(request.amount) },
      { Key: 'ConversationID', Value: payout.conversationId },
      { Key: 'ReceiptNo', Value: paid ? payout.receipt : placeholderReceipt(payout.settlesAt) },
    ];
  }

  /** Answers held back on purpose (`payout-answer-lost`): cut when the simulator stops. */
  const held = new Set<Response>();
  function hold(res: Response): void {
    held.add(res);
    res.once('close', () => held.delete(res));
  }
  function releaseHeld(): void {
    for (const res of held) res.destroy();
    held.clear();
  }

  return { pay, statusOf, hold, releaseHeld };
}

export type B2cDesk = ReturnType<typeof createB2cDesk>;

export const DUPLICATE_ORIGINATOR: DarajaError = {
  httpStatus: 500,
  errorCode: '500.002.1001',
  errorMessage: 'Duplicate OriginatorConversationID.',
};

/** The B2C endpoint's handler for one version (simulator.routes.ts mounts both). */
export function b2cHandler(
  desk: B2cDesk,
  version: 'v1' | 'v3',
  deps: {
    refuse(res: Response, error: DarajaError): void;
    appOf(req: Request): string;
    onRequest(): void;
  },
) {
  return async (req: Request, res: Response): Promise<void> => {
    deps.onRequest();
    const checked = validateB2c(req.body as Record<string, unknown>, version);
    if (!checked.ok) return deps.refuse(res, checked.error);
    const answer = await desk.pay(checked.value, deps.appOf(req));
    if (answer.kind === 'refuse') return deps.refuse(res, answer.error);
    // The request is in M-Pesa's hands either way; only its answer waits (or never comes).
    const { delayMs } = answer;
    if (delayMs === 'never') return desk.hold(res);
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (!res.headersSent && !res.writableEnded) res.json(answer.body);
  };
}
