// Business to Business as Daraja plays it (Business Pay Bill and Business Buy Goods,
// `/mpesa/b2b/v1/paymentrequest`, docs/daraja.md "Supplier payments (B2B)"): the request
// carries no OriginatorConversationID, so the answer gives one of Daraja's own
// (`5118-111210482-1`) beside the ConversationID; a second identical request is a second payment
// (nothing to refuse it by). The money leaves the payer's Working (MMF) account. The Result comes
// to ResultURL later, once, with ResultType and ResultCode as strings (the B2B page's sample:
// the JSON type drift per product), and Transaction Status finds the payment by the
// OriginatorConversationID the answer gave.
import type { Request, Response } from 'express';
import { kes, type BalanceBook } from './simulator.balances';
import type { B2cResult } from './simulator.b2c-outcomes';
import {
  eatCompact,
  newConversationId,
  newOriginatorId,
  placeholderReceipt,
  readAmount,
  readText,
  readUrl,
} from './simulator.b2c';
import { B2B_RESULTS, b2bOutcomeFor, type SimulatedB2bOutcome } from './simulator.b2b-outcomes';
import { DARAJA_ERRORS, invalidField, type DarajaError } from './simulator.errors';
import { newReceiptNumber } from './simulator.ids';
import type { ResultPoster } from './simulator.results';
import type { CallbackTargets } from './simulator.callback-targets';
import { readMsisdn, readShortCode } from './simulator.validation';

export const B2B_COMMAND_IDS = ['BusinessPayBill', 'BusinessBuyGoods'] as const;
const ACCEPTED = 'Accept the service request successfully.';
const MAX_REMEMBERED = 100_000;
const MAX_AMOUNT = 250_000;

export interface B2bRequest {
  initiatorName: string;
  securityCredential: string;
  commandId: (typeof B2B_COMMAND_IDS)[number];
  amount: number;
  shortcode: string;
  recipient: string;
  accountReference: string;
  requester: string | undefined;
  remarks: string;
  resultUrl: string;
  queueTimeoutUrl: string;
}

interface SimulatedB2b {
  request: B2bRequest;
  originatorConversationId: string;
  conversationId: string;
  result: B2cResult;
  outcome: SimulatedB2bOutcome;
  settlesAt: number;
  receipt: string;
  workingAfterCents: number;
}

type Checked<T> = { ok: true; value: T } | { ok: false; error: DarajaError };
const invalid = <T>(field: string): Checked<T> => ({ ok: false, error: invalidField(field) });

/** Checks a B2B body field by field in the order of Daraja's table, the first failure winning. */
export function validateB2b(body: Record<string, unknown>): Checked<B2bRequest> {
  const initiatorName = readText(body.Initiator, 1, 128);
  if (initiatorName === undefined) return invalid('Initiator');
  const securityCredential = readText(body.SecurityCredential, 1, 4096);
  if (securityCredential === undefined) return invalid('SecurityCredential');
  const commandId = body.CommandID;
  if (typeof commandId !== 'string' || !(B2B_COMMAND_IDS as readonly string[]).includes(commandId))
    return invalid('CommandID');
  // "4" (a shortcode) is the only type this API takes, as a string or a number.
  if (String(body.SenderIdentifierType) !== '4') return invalid('SenderIdentifierType');
  if (String(body.RecieverIdentifierType) !== '4') return invalid('RecieverIdentifierType');
  const amount = readAmount(body.Amount);
  if (amount === undefined) return invalid('Amount');
  const shortcode = readShortCode(body.PartyA);
  if (shortcode === undefined) return invalid('PartyA');
  const recipient = readShortCode(body.PartyB);
  if (recipient === undefined) return invalid('PartyB');
  const accountReference = readText(body.AccountReference, 1, 13);
  if (accountReference === undefined) return invalid('AccountReference');
  const requester = body.Requester === undefined ? undefined : readMsisdn(body.Requester);
  if (body.Requester !== undefined && requester === undefined) return invalid('Requester');
  const remarks = readText(body.Remarks, 1, 100);
  if (remarks === undefined) return invalid('Remarks');
  const queueTimeoutUrl = readUrl(body.QueueTimeOutURL);
  if (queueTimeoutUrl === undefined) return invalid('QueueTimeOutURL');
  const resultUrl = readUrl(body.ResultURL);
  if (resultUrl === undefined) return invalid('ResultURL');
  return {
    ok: true,
    value: {
      initiatorName,
      securityCredential,
      commandId: commandId as B2bRequest['commandId'],
      amount,
      shortcode,
      recipient,
      accountReference,
      requester,
      remarks,
      resultUrl,
      queueTimeoutUrl,
    },
  };
}

export interface B2bDeps {
  balances: BalanceBook;
  poster: ResultPoster;
  targets: CallbackTargets;
  resultDelayMs: number;
  /** 2001 or 8006 when the initiator's SecurityCredential does not open; undefined when it does. */
  checkInitiator(request: B2bRequest, consumerKey: string): Promise<B2cResult | undefined>;
  knowsShortcode(shortcode: string, consumerKey: string): Promise<boolean>;
}

export type B2bAnswer =
  { kind: 'refuse'; error: DarajaError } | { kind: 'accept'; body: object; unanswered: boolean };

export function createB2bDesk(deps: B2bDeps) {
  const payments = new Map<string, SimulatedB2b>();
  const keyOf = (shortcode: string, originatorId: string) => `${shortcode}\u0000${originatorId}`;

  function resultBody(payment: SimulatedB2b): object {
    const { request, result } = payment;
    const success = result.resultCode === 0;
    const balance = `{Amount={CurrencyCode=KES, MinimumAmount=${payment.workingAfterCents}, BasicAmount=${kes(payment.workingAfterCents).toFixed(2)}}}`;
    return {
      Result: {
        // Strings on B2B's own sample, numbers on B2C's: readers take both.
        ResultType: '0',
        ResultCode: String(result.resultCode),
        ResultDesc: result.resultDesc,
        OriginatorConversationID: payment.originatorConversationId,
        ConversationID: payment.conversationId,
        TransactionID: success ? payment.receipt : placeholderReceipt(payment.settlesAt),
        ...(success
          ? {
              ResultParameters: {
                ResultParameter: [
                  { Key: 'DebitAccountBalance', Value: balance },
                  { Key: 'Amount', Value: request.amount.toFixed(2) },
                  {
                    Key: 'DebitPartyAffectedAccountBalance',
                    Value: `Working Account|KES|${kes(payment.workingAfterCents).toFixed(2)}|${kes(payment.workingAfterCents).toFixed(2)}|0.00|0.00`,
                  },
                  { Key: 'TransCompletedTime', Value: eatCompact(payment.settlesAt) },
                  { Key: 'DebitPartyCharges', Value: '' },
                  { Key: 'ReceiverPartyPublicName', Value: `${request.recipient} - SIMULATED BUSINESS` },
                  { Key: 'Currency', Value: 'KES' },
                  { Key: 'InitiatorAccountCurrentBalance', Value: balance },
                ],
              },
            }
          : {}),
        ReferenceData: {
          ReferenceItem: [
            { Key: 'BillReferenceNumber', Value: request.accountReference },
            { Key: 'QueueTimeoutURL', Value: request.queueTimeoutUrl },
          ],
        },
      },
    };
  }

  function timeoutBody(payment: SimulatedB2b): object {
    return {
      Result: {
        ResultType: 1,
        ResultCode: 1,
        ResultDesc: 'The service request has timed out.',
        OriginatorConversationID: payment.originatorConversationId,
        ConversationID: payment.conversationId,
        TransactionID: placeholderReceipt(payment.settlesAt),
      },
    };
  }

  /** Decides the payment at once (its money leaves now), and schedules what it posts. */
  async function pay(request: B2bRequest, consumerKey: string): Promise<B2bAnswer> {
    if (!deps.targets.allows(request.resultUrl)) return { kind: 'refuse', error: invalidField('ResultURL') };
    if (!deps.targets.allows(request.queueTimeoutUrl))
      return { kind: 'refuse', error: invalidField('QueueTimeOutURL') };
    if (!(await deps.knowsShortcode(request.shortcode, consumerKey)))
      return { kind: 'refuse', error: DARAJA_ERRORS.merchantDoesNotExist };
    const now = Date.now();
    const outcome = b2bOutcomeFor(request.recipient);
    const cents = request.amount * 100;
    let result: B2cResult =
      (await deps.checkInitiator(request, consumerKey)) ??
      outcome.result ??
      (request.amount > MAX_AMOUNT ? B2B_RESULTS.aboveMaximum : B2B_RESULTS.success);
    if (result.resultCode === 0) {
      // B2B debits the Working (MMF) account, not Utility (DOC-BPB: "from your MMF/Working account").
      const working = deps.balances.of(request.shortcode).workingCents;
      if (working < cents) result = B2B_RESULTS.insufficientBalance;
      else deps.balances.set(request.shortcode, { workingCents: working - cents });
    }
    const payment: SimulatedB2b = {
      request,
      originatorConversationId: newOriginatorId(),
      conversationId: newConversationId(now),
      result,
      outcome,
      settlesAt: now + deps.resultDelayMs,
      receipt: newReceiptNumber(now),
      workingAfterCents: deps.balances.of(request.shortcode).workingCents,
    };
    payments.set(keyOf(request.shortcode, payment.originatorConversationId), payment);
    if (payments.size > MAX_REMEMBERED) payments.delete(payments.keys().next().value as string);
    const fields = {
      originatorConversationId: payment.originatorConversationId,
      resultCode: result.resultCode,
    };
    if (outcome.delivery === 'queue-timeout')
      deps.poster.schedule(request.queueTimeoutUrl, () => timeoutBody(payment), [deps.resultDelayMs], fields);
    else if (outcome.delivery === 'result')
      deps.poster.schedule(request.resultUrl, () => resultBody(payment), [deps.resultDelayMs], fields);
    return {
      kind: 'accept',
      unanswered: outcome.unanswered === true,
      body: {
        OriginatorConversationID: payment.originatorConversationId,
        ConversationID: payment.conversationId,
        ResponseCode: '0',
        ResponseDescription: ACCEPTED,
      },
    };
  }

  /** Transaction Status's ResultParameters for the payment `originatorId` of `shortcode`, once it settled. */
  function statusOf(shortcode: string, originatorId: string, now: number): object[] | undefined {
    const payment = payments.get(keyOf(shortcode, originatorId));
    if (!payment || now < payment.settlesAt) return undefined;
    const { request } = payment;
    const paid = payment.result.resultCode === 0;
    return [
      { Key: 'DebitPartyName', Value: `${request.shortcode} - Simulated Merchant` },
      { Key: 'CreditPartyName', Value: `${request.recipient} - SIMULATED BUSINESS` },
      { Key: 'OriginatorConversationID', Value: payment.originatorConversationId },
      { Key: 'InitiatedTime', Value: eatCompact(payment.settlesAt) },
      { Key: 'DebitAccountType', Value: 'Working Account' },
      { Key: 'DebitPartyCharges' },
      { Key: 'TransactionReason' },
      {
        Key: 'ReasonType',
        Value: request.commandId === 'BusinessPayBill' ? 'Business Pay Bill' : 'Business Buy Goods',
      },
      { Key: 'TransactionStatus', Value: paid ? 'Completed' : 'Declined' },
      { Key: 'FinalisedTime', Value: eatCompact(payment.settlesAt) },
      { Key: 'Amount', Value: String(request.amount) },
      { Key: 'ConversationID', Value: payment.conversationId },
      { Key: 'ReceiptNo', Value: paid ? payment.receipt : placeholderReceipt(payment.settlesAt) },
    ];
  }

  /** Answers held back on purpose (`supplier-answer-lost`): cut when the simulator stops. */
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

export type B2bDesk = ReturnType<typeof createB2bDesk>;

/** The B2B endpoint's handler (simulator.routes.ts mounts it). */
export function b2bHandler(
  desk: B2bDesk,
  deps: { refuse(res: Response, error: DarajaError): void; appOf(req: Request): string; onRequest(): void },
) {
  return async (req: Request, res: Response): Promise<void> => {
    deps.onRequest();
    const checked = validateB2b(req.body as Record<string, unknown>);
    if (!checked.ok) return deps.refuse(res, checked.error);
    const answer = await desk.pay(checked.value, deps.appOf(req));
    if (answer.kind === 'refuse') return deps.refuse(res, answer.error);
    // The payment is in M-Pesa's hands either way; only its answer never comes.
    if (answer.unanswered) return desk.hold(res);
    res.json(answer.body);
  };
}
