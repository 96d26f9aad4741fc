// The three Daraja endpoints. Checks run in Daraja's order: token (in the router), then the
// fields, then the merchant, then what the simulated customer does.
import type { ReversalDesk } from './simulator.reversal';
import type { Request, Response } from 'express';
import type { SimulatorOptions, SimulatorStats } from './simulator';
import { callbackDelaysFor, originOf, type CallbackDispatcher } from './simulator.callbacks';
import type { C2bSimulator } from './simulator.c2b';
import { DARAJA_ERRORS, invalidField, sendDarajaError, type DarajaError } from './simulator.errors';
import { createCheckoutRequestIds, createHexGroupIds, newReceiptNumber } from './simulator.ids';
import { outcomeFor, PAYMENT_RESULTS, SUCCESSFUL_PAYMENT, type PaymentResult } from './simulator.outcomes';
import type { SimulatorMerchant } from './simulator.directory';
import type { StkPushRequest } from './simulator.validation';
import { queryAnswer, type Payment, type PaymentStore } from './simulator.payments';
import type { TokenStore } from './simulator.tokens';
import type { B2cDesk } from './simulator.b2c';
import type { B2bDesk } from './simulator.b2b';
import type { BalanceBook } from './simulator.balances';
import type { ResultPoster } from './simulator.results';
import type { ReceiptLedger } from './simulator.receipts';
import type { SimulatorCredentials } from './simulator.credentials';
import type { InitiatorChecks } from './simulator.initiators';
import { checkMerchant, readMsisdn, validateStkPush, validateStkQuery } from './simulator.validation';

export interface SimulatorDeps {
  options: SimulatorOptions;
  stats: SimulatorStats;
  tokens: TokenStore;
  payments: PaymentStore;
  /** Every receipt issued, for Transaction Status (simulator.transaction-status.ts). */
  receipts: ReceiptLedger;
  /** The key pair SecurityCredentials are checked with (simulator.credentials.ts). */
  credentials: SimulatorCredentials;
  dispatcher: CallbackDispatcher;
  /** The initiator checks B2C and Transaction Status share (simulator.initiators.ts). */
  initiators: InitiatorChecks;
  b2c: B2cDesk;
  /** Supplier payments (simulator.b2b.ts). */
  b2b: B2bDesk;
  balances: BalanceBook;
  poster: ResultPoster;
  c2b: C2bSimulator;
  /** Reversals of received payments (simulator.reversal.ts). */
  reversals: ReversalDesk;
  /** The initiator check of money-out APIs: undefined when the SecurityCredential opens. */
  checkInitiator(
    shortcode: string,
    initiatorName: string,
    securityCredential: string,
    consumerKey: string,
  ): Promise<'invalid' | 'locked' | undefined>;
}

const ACCEPTED = 'Success. Request accepted for processing';

/** How far a Timestamp may be from East Africa Time now before it is counted as another zone's. */
export const NON_EAT_TOLERANCE_MS = 30 * 60_000;
const EAT_OFFSET_MS = 3 * 3600_000;

/** A YYYYMMDDHHmmss read as East Africa Time, minus now: about -3 h for a UTC clock. */
export function eatTimestampOffsetMs(timestamp: string, now: number): number {
  const [year, month, day, hour, minute, second] = (
    /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(timestamp) ?? []
  )
    .slice(1)
    .map(Number);
  const asEat = Date.UTC(year!, month! - 1, day!, hour!, minute!, second!) - EAT_OFFSET_MS;
  return asEat - now;
}

type Credentials = { scheme: 'basic'; key: string; secret: string } | { scheme: 'other' };

function readBasicCredentials(header: string | undefined): Credentials {
  const match = /^Basic (\S*)$/i.exec(header ?? '');
  if (!match) return { scheme: 'other' };
  const decoded = Buffer.from(match[1] ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0
    ? { scheme: 'basic', key: decoded, secret: '' }
    : { scheme: 'basic', key: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/** The bearer token of a request, or undefined when the header is missing or of another scheme. */
export function readBearerToken(req: Request): string | undefined {
  return /^Bearer (\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
}

export function createHandlers(deps: SimulatorDeps) {
  const { options, stats, tokens, payments, dispatcher } = deps;
  const queryRate = createQueryRate(options.queryRateLimit ?? 0, (busiest) => {
    stats.stkQueryPeakPerSecond = Math.max(stats.stkQueryPeakPerSecond, busiest);
  });
  const { logger } = options;
  const newHexGroupId = createHexGroupIds();
  const newCheckoutRequestId = createCheckoutRequestIds();
  const refuse = (res: Response, error: DarajaError) => sendDarajaError(res, error, newHexGroupId());

  /** Counts and logs a Timestamp far from East Africa Time now (docs/daraja.md §2: it is EAT). */
  function noteTimestamp(timestamp: string, call: 'stkPush' | 'stkQuery'): void {
    const offsetMs = eatTimestampOffsetMs(timestamp, Date.now());
    if (Math.abs(offsetMs) <= NON_EAT_TOLERANCE_MS) return;
    stats.nonEatTimestamps += 1;
    logger.warn('simulator received a Timestamp that is not East Africa Time (UTC+3)', {
      call,
      timestamp,
      // -3 is a server clock in UTC.
      offsetHours: Math.round(offsetMs / 360_000) / 10,
    });
  }

  async function generateToken(req: Request, res: Response): Promise<void> {
    if (req.query.grant_type !== 'client_credentials') return refuse(res, DARAJA_ERRORS.invalidGrantType);
    const credentials = readBasicCredentials(req.get('authorization'));
    if (credentials.scheme !== 'basic') return refuse(res, DARAJA_ERRORS.invalidAuthentication);
    if (!(await options.directory.isApp(credentials.key, credentials.secret))) {
      // Observed: wrong key/secret is a bare 400 with an empty body (docs/daraja.md §1).
      res.status(400).end();
      return;
    }
    const { accessToken, expiresInSeconds } = tokens.issue(credentials.key);
    // A string, the historical and most-cited shape (docs/daraja.md §1, §10.1).
    res.json({ access_token: accessToken, expires_in: String(expiresInSeconds) });
  }

  async function processStkPush(req: Request, res: Response): Promise<void> {
    const body = req.body as Record<string, unknown>;
    const token = readBearerToken(req) ?? '';
    const phone = readMsisdn(body.PhoneNumber);
    const outcome = outcomeFor(phone ?? '');
    // The gateway rejects a dead token before it reads the body, so this outcome comes first.
    if (outcome.behaviour.kind === 'expireToken' && tokens.expireMidFlight(token)) {
      logger.info('simulator expired the access token mid-flight', { outcome: outcome.summary });
      return refuse(res, DARAJA_ERRORS.invalidAccessToken);
    }
    const checked = validateStkPush(body);
    if (!checked.ok) return refuse(res, checked.error);
    const request = checked.value;
    noteTimestamp(request.timestamp, 'stkPush');
    if (!options.callbackTargets.allows(request.callbackUrl)) {
      // Not Daraja's behaviour (it posts anywhere): see simulator.callback-targets.ts. Only the
      // origin is logged: a callback URL carries a token in its path.
      logger.warn('simulator refused a CallBackURL that is not a callback route of this service', {
        callbackOrigin: originOf(request.callbackUrl),
        hint: 'SIMULATOR_CALLBACK_ALLOWLIST lists other URLs it may post to',
      });
      return refuse(res, invalidField('CallBackURL'));
    }
    const merchant = await options.directory.merchant(request.businessShortCode, tokens.appOf(token) ?? '');
    const merchantError = checkMerchant(merchant, request);
    if (merchantError) return refuse(res, merchantError);
    if (outcome.behaviour.kind === 'refuse') return refuse(res, outcome.behaviour.error);

    // A PayBill push must pay the shortcode itself, a Buy Goods push one of its tills: Daraja
    // accepts either mistake and fails it in the callback (docs/daraja.md §2, §3).
    const misrouted = misroutedResult(request, merchant!);
    const chosen = outcome.behaviour.kind === 'complete' ? outcome.behaviour : SUCCESSFUL_PAYMENT;
    const behaviour = misrouted ? { ...chosen, result: misrouted, callbackAmountDelta: 0 } : chosen;
    // The result becomes visible to STK Query when the normal callback would be sent, even
    // when the callback itself is lost or late: that is what those outcomes test.
    const settlesAt = Date.now() + options.callbackDelayMs;
    const payment: Payment = {
      merchantRequestId: newHexGroupId(),
      checkoutRequestId: newCheckoutRequestId(request.phoneNumber),
      shortcode: request.businessShortCode,
      phoneNumber: request.phoneNumber,
      amount: request.amount,
      callbackUrl: request.callbackUrl,
      result: behaviour.result,
      delivery: behaviour.delivery,
      callbackAmountDelta: behaviour.callbackAmountDelta,
      settlesAt,
      receiptNumber: behaviour.result.resultCode === 0 ? newReceiptNumber(settlesAt) : undefined,
      flakyQuery: behaviour.flakyQuery ?? false,
      callbackShape: behaviour.callbackShape ?? 'documented',
      emptyPendingQuery: behaviour.emptyPendingQuery ?? false,
      queries: 0,
    };
    payments.add(payment);
    if (payment.receiptNumber)
      deps.receipts.record({
        receiptNo: payment.receiptNumber,
        amount: payment.amount,
        phoneNumber: payment.phoneNumber,
        payerName: 'SIMULATED CUSTOMER',
        shortcode: payment.shortcode,
        till: request.transactionType === 'CustomerBuyGoodsOnline' ? request.partyB : undefined,
        reason: 'Pay Merchant via API',
        completedAt: payment.settlesAt,
      });
    dispatcher.schedule(
      payment,
      callbackDelaysFor(behaviour.delivery, options.callbackDelayMs, options.lateCallbackMs),
    );
    logger.info('simulator accepted STK push', {
      checkoutRequestId: payment.checkoutRequestId,
      phoneNumber: payment.phoneNumber,
      outcome: outcome.summary,
    });
    res.json({
      MerchantRequestID: payment.merchantRequestId,
      CheckoutRequestID: payment.checkoutRequestId,
      ResponseCode: '0',
      ResponseDescription: ACCEPTED,
      CustomerMessage: ACCEPTED,
    });
  }

  async function queryStkPush(req: Request, res: Response): Promise<void> {
    // Spike Arrest is enforced by Daraja's gateway, before it reads the body.
    if (queryRate.overLimit(Date.now())) return refuse(res, DARAJA_ERRORS.spikeArrest);
    const checked = validateStkQuery(req.body as Record<string, unknown>);
    if (!checked.ok) return refuse(res, checked.error);
    const request = checked.value;
    noteTimestamp(request.timestamp, 'stkQuery');
    const app = tokens.appOf(readBearerToken(req) ?? '') ?? '';
    const merchantError = checkMerchant(
      await options.directory.merchant(request.businessShortCode, app),
      request,
    );
    if (merchantError) return refuse(res, merchantError);
    const payment = payments.find(request.checkoutRequestId);
    // A payment made through another shortcode is not this merchant's to see.
    if (!payment || payment.shortcode !== request.businessShortCode)
      return refuse(res, DARAJA_ERRORS.transactionDoesNotExist);
    payment.queries += 1;
    if (payment.flakyQuery && payment.queries % 2 === 1)
      return refuse(res, DARAJA_ERRORS.transactionBeingProcessed);
    // The in-flight answer under HTTP 200, with nothing to say (docs/daraja.md §4, §10.5).
    if (payment.emptyPendingQuery && Date.now() < payment.settlesAt)
      return refuse(res, DARAJA_ERRORS.emptyInFlight);
    res.json(queryAnswer(payment, Date.now()));
  }

  return { generateToken, processStkPush, queryStkPush, refuse };
}

/** The callback result of a push whose PartyB does not fit its TransactionType, or undefined when it fits. */
function misroutedResult(request: StkPushRequest, merchant: SimulatorMerchant): PaymentResult | undefined {
  if (request.transactionType === 'CustomerBuyGoodsOnline')
    return merchant.tills.includes(request.partyB) ? undefined : PAYMENT_RESULTS.operatorDoesNotExist;
  if (merchant.payBill === false) return PAYMENT_RESULTS.notPermitted;
  return request.partyB === request.businessShortCode ? undefined : PAYMENT_RESULTS.notPermitted;
}

/**
 * STK Queries in the last second: tracks the busiest second seen (for tests of our pace) and,
 * when `limit` > 0, says when a query is over it (Daraja's Spike Arrest; its real number is
 * unpublished, docs/daraja.md §4).
 */
function createQueryRate(limit: number, onCount: (inLastSecond: number) => void) {
  const recent: number[] = [];
  return {
    overLimit(now: number): boolean {
      while (recent.length > 0 && recent[0]! <= now - 1000) recent.shift();
      recent.push(now);
      onCount(recent.length);
      return limit > 0 && recent.length > limit;
    },
  };
}
