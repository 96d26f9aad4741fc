// A local stand-in for Safaricom's Daraja API (OAuth, STK Push, STK Push Query, callbacks).
// It speaks Daraja's own paths, field names, JSON types, status codes and error bodies, so our
// Daraja client cannot tell it apart: only the base URL changes. Test outcomes are chosen by
// PhoneNumber (see simulator.outcomes.ts).
import type express from 'express';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { createCallbackDispatcher } from './simulator.callbacks';
import type { CallbackTargets } from './simulator.callback-targets';
import { createC2bSimulator, type C2bOptions } from './simulator.c2b';
import { emptyC2bStats, type C2bStats } from './simulator.c2b-payments';
import { sendDarajaError } from './simulator.errors';
import { createHexGroupIds } from './simulator.ids';
import { createPaymentStore } from './simulator.payments';
import { createSimulatorRouter } from './simulator.routes';
import { createTokenStore } from './simulator.tokens';
import { staticDirectory, type SimulatorDirectory } from './simulator.directory';
import { createBalanceBook } from './simulator.balances';
import { createB2cDesk } from './simulator.b2c';
import { createReversalDesk } from './simulator.reversal';
import { B2C_RESULTS } from './simulator.b2c-outcomes';
import { createB2bDesk } from './simulator.b2b';
import { B2B_RESULTS } from './simulator.b2b-outcomes';
import { createInitiatorChecks } from './simulator.initiators';
import { createResultPoster } from './simulator.results';
import { createReceiptLedger } from './simulator.receipts';
import { createSimulatorCredentials } from './simulator.credentials';

export interface SimulatorOptions {
  /** The apps and merchants it accepts (simulator.directory.ts). */
  directory: SimulatorDirectory;
  callbackDelayMs: number; // delay before the normal callback is posted
  lateCallbackMs: number; // delay for the "late callback" outcome
  queryRateLimit?: number; // STK Queries per second beyond which Spike Arrest answers; 0 or absent: none
  /** The only CallBackURLs it accepts and posts to (simulator.callback-targets.ts). */
  callbackTargets: CallbackTargets;
  /** C2B: the validation deadline and new apps' product version (simulator.c2b.ts). */
  c2b?: C2bOptions;
  logger: Logger;
}

/**
 * Counters since start. Every request to an endpoint counts, whatever it was answered
 * (so a test can prove a client did not resend a push); callbacksSent counts POSTs made to
 * CallBackURLs, delivered or not.
 */
export interface SimulatorStats extends C2bStats {
  oauthCalls: number;
  stkPushes: number;
  stkQueries: number;
  /** The most STK Queries received within any one second. */
  stkQueryPeakPerSecond: number;
  callbacksSent: number;
  /**
   * Pushes and queries whose Timestamp is more than NON_EAT_TOLERANCE_MS from East Africa Time
   * now: a server clock in UTC is the usual cause (docs/daraja.md §2). Accepted, as Daraja's
   * refusal of a skewed Timestamp is unknown (§11), but counted so a test or a demo can see it.
   */
  nonEatTimestamps: number;
  /** B2C requests (v1 and v3), whatever they were answered. */
  b2cRequests: number;
  b2bRequests: number;
  /** Transaction Status requests. */
  transactionStatusQueries: number;
  /** Results posted to ResultURLs and QueueTimeOutURLs (B2C, Transaction Status, Reversal, Account Balance). */
  resultsSent: number;
  /** Reversal requests, whatever they were answered. */
  reversalRequests: number;
  /** Account Balance requests, whatever they were answered. */
  accountBalanceQueries: number;
}

export interface Simulator {
  /** Serves Daraja's paths at its own root: mount at /simulator -> /simulator/oauth/v1/generate. */
  router: express.Router;
  /** The certificate initiator passwords are encrypted with for it (also at GET /__simulator/certificate). */
  certificatePem: string;
  stats(): SimulatorStats;
  /** Cancels every pending callback; nothing the simulator started keeps the process alive. */
  stop(): void;
}

/** The Daraja app and merchant of MPESA_* (the deployment's own account). */
export function configuredDirectory(config: Config): SimulatorDirectory {
  const { consumerKey, consumerSecret, shortcode, passkey, tillNumber, shortcodeIsPayBill } = config.mpesa;
  const { initiatorName, initiatorPassword } = config.mpesa;
  return staticDirectory([{ consumerKey, consumerSecret }], {
    [shortcode]: {
      passkey,
      tills: tillNumber ? [tillNumber] : [],
      payBill: shortcodeIsPayBill,
      initiators:
        initiatorName && initiatorPassword ? [{ name: initiatorName, password: initiatorPassword }] : [],
    },
  });
}

/** The simulator that accepts exactly the Daraja credentials the service is configured with. */
export function simulatorOptionsFrom(
  config: Config,
  logger: Logger,
  callbackTargets: CallbackTargets,
): SimulatorOptions {
  return {
    directory: configuredDirectory(config),
    callbackTargets,
    callbackDelayMs: config.simulator.callbackDelayMs,
    lateCallbackMs: config.simulator.lateCallbackMs,
    queryRateLimit: config.simulator.queryRateLimit,
    c2b: { validationTimeoutMs: config.simulator.c2bValidationTimeoutMs },
    logger,
  };
}

export function createSimulator(options: SimulatorOptions): Simulator {
  const stats: SimulatorStats = {
    oauthCalls: 0,
    stkPushes: 0,
    stkQueries: 0,
    stkQueryPeakPerSecond: 0,
    callbacksSent: 0,
    nonEatTimestamps: 0,
    b2cRequests: 0,
    b2bRequests: 0,
    transactionStatusQueries: 0,
    resultsSent: 0,
    reversalRequests: 0,
    accountBalanceQueries: 0,
    ...emptyC2bStats(),
  };
  const dispatcher = createCallbackDispatcher({
    logger: options.logger,
    onPost: () => {
      stats.callbacksSent += 1;
    },
  });
  const credentials = createSimulatorCredentials();
  // Every receipt issued (STK and C2B), for Transaction Status.
  const receipts = createReceiptLedger();
  const tokens = createTokenStore();
  const newRequestId = createHexGroupIds();
  const c2b = createC2bSimulator({
    options,
    stats,
    tokens,
    newRequestId,
    refuse: (res, error) => sendDarajaError(res, error, newRequestId()),
    receipts,
  });
  const initiators = createInitiatorChecks(credentials);
  const poster = createResultPoster({
    logger: options.logger,
    onPost: () => {
      stats.resultsSent += 1;
    },
  });
  const balances = createBalanceBook();
  const b2c = createB2cDesk({
    balances,
    poster,
    targets: options.callbackTargets,
    resultDelayMs: options.callbackDelayMs,
    slowAnswerMs: options.lateCallbackMs,
    checkInitiator: async (request, consumerKey) => {
      const merchant = await options.directory.merchant(request.shortcode, consumerKey);
      if (!merchant) return undefined;
      const checked = initiators.check(
        merchant,
        request.shortcode,
        request.initiatorName,
        request.securityCredential,
      );
      if (checked === 'locked') return B2C_RESULTS.credentialLocked;
      return checked === 'invalid' ? B2C_RESULTS.initiatorInvalid : undefined;
    },
    knowsShortcode: async (shortcode, consumerKey) =>
      (await options.directory.merchant(shortcode, consumerKey)) !== undefined,
  });
  const b2b = createB2bDesk({
    balances,
    poster,
    targets: options.callbackTargets,
    resultDelayMs: options.callbackDelayMs,
    checkInitiator: async (request, consumerKey) => {
      const merchant = await options.directory.merchant(request.shortcode, consumerKey);
      if (!merchant) return undefined;
      const checked = initiators.check(
        merchant,
        request.shortcode,
        request.initiatorName,
        request.securityCredential,
      );
      if (checked === 'locked') return B2B_RESULTS.credentialLocked;
      return checked === 'invalid' ? B2B_RESULTS.initiatorInvalid : undefined;
    },
    knowsShortcode: async (shortcode, consumerKey) =>
      (await options.directory.merchant(shortcode, consumerKey)) !== undefined,
  });
  // Reversal and Account Balance check the initiator as B2C does (simulator.initiators.ts).
  const initiatorOf = async (shortcode: string, name: string, credential: string, consumerKey: string) => {
    const merchant = await options.directory.merchant(shortcode, consumerKey);
    if (!merchant) return 'invalid' as const;
    const checked = initiators.check(merchant, shortcode, name, credential);
    return checked === 'ok' ? undefined : checked;
  };
  const reversals = createReversalDesk({
    receipts,
    balances,
    poster,
    targets: options.callbackTargets,
    resultDelayMs: options.callbackDelayMs,
    slowAnswerMs: options.lateCallbackMs,
    tillsOf: async (shortcode, consumerKey) =>
      (await options.directory.merchant(shortcode, consumerKey))?.tills,
    checkInitiator: (request, consumerKey) =>
      initiatorOf(request.receiverParty, request.initiator, request.securityCredential, consumerKey),
  });
  const { router, stop } = createSimulatorRouter({
    options,
    stats,
    tokens,
    payments: createPaymentStore(),
    receipts,
    credentials,
    initiators,
    dispatcher,
    b2c,
    b2b,
    balances,
    poster,
    c2b,
    reversals,
    checkInitiator: initiatorOf,
  });
  return {
    router,
    certificatePem: credentials.certificatePem,
    stats: () => ({ ...stats }),
    stop: () => {
      dispatcher.stop();
      stop();
      poster.stop();
      b2c.releaseHeld();
      b2b.releaseHeld();
      c2b.stop();
    },
  };
}
