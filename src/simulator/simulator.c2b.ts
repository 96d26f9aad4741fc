// Daraja's C2B API (register URL and simulate, v1 and v2) and the simulator's own C2B actions:
// a customer paying a PayBill or till from the M-Pesa menu, and per app settings that Safaricom
// keeps on its side (the app's C2B product version, External Validation per shortcode, ...).
// Facts and sources: docs/daraja.md §7; the admin API: docs/simulator.md.
import type { ReceiptLedger } from './simulator.receipts';
import express, { type Request, type RequestHandler, type Response } from 'express';
import type { Logger } from '../logger';
import type { CallbackTargets } from './simulator.callback-targets';
import { originOf } from './simulator.callbacks';
import { createC2bPoster, VALIDATION_TIMEOUT_MS, type Payer } from './simulator.c2b-callbacks';
import { createC2bPayments, DEFAULT_PAYER_NAMES, type C2bStats } from './simulator.c2b-payments';
import {
  badRegisterField,
  C2B_ERRORS,
  checkCallbackUrl,
  SIMULATE_FIELDS,
  validatePayment,
  validateRegisterFields,
  versionOfPath,
} from './simulator.c2b-requests';
import { createC2bSettingsRoutes, readBearerApp } from './simulator.c2b-settings';
import { createC2bState, type C2bVersion } from './simulator.c2b-state';
import { DARAJA_ERRORS, invalidField, type DarajaError } from './simulator.errors';
import type { TokenStore } from './simulator.tokens';

export const C2B_PATHS = {
  registerV1: '/mpesa/c2b/v1/registerurl',
  registerV2: '/mpesa/c2b/v2/registerurl',
  simulateV1: '/mpesa/c2b/v1/simulate',
  simulateV2: '/mpesa/c2b/v2/simulate',
  /** Not Daraja: a customer pays from the M-Pesa menu (POST) and an app's payments (GET). */
  payments: '/__simulator/c2b/payments',
} as const;

export interface C2bOptions {
  /** How long M-Pesa waits for a ValidationURL; Daraja's is about 8 s (docs/daraja.md §7). */
  validationTimeoutMs?: number;
  /** The C2B product a new app is subscribed to; `v2`, the Daraja 3.0 portal's (docs/daraja.md §7). */
  defaultProductVersion?: C2bVersion;
}

export interface C2bSimulator {
  /** Adds the C2B routes to the simulator's router (before its 404). */
  mount(router: express.Router): void;
  /** Aborts validations and confirmations being posted; nothing new starts. */
  stop(): void;
}

const BODY_LIMIT = '64kb';
const REGISTERED = 'Success';
// The simulate acknowledgement's own words (docs/daraja.md §7).
const SIMULATE_ACCEPTED = 'Accept the service request successfully.';
const NAME_MAX_LENGTH = 50;

export function createC2bSimulator(deps: {
  options: { c2b?: C2bOptions; callbackTargets: CallbackTargets; logger: Logger };
  stats: C2bStats;
  tokens: TokenStore;
  refuse: (res: Response, error: DarajaError) => void;
  newRequestId: () => string;
  /** Completed payments' receipts, for Transaction Status. */
  receipts?: ReceiptLedger;
}): C2bSimulator {
  const { options, stats, tokens, refuse } = deps;
  const { logger } = options;
  const state = createC2bState(options.c2b?.defaultProductVersion ?? 'v2');
  const poster = createC2bPoster({
    logger,
    validationTimeoutMs: options.c2b?.validationTimeoutMs ?? VALIDATION_TIMEOUT_MS,
    onValidation: () => {
      stats.c2bValidationsSent += 1;
    },
    onConfirmation: () => {
      stats.c2bConfirmationsSent += 1;
    },
  });
  const pay = createC2bPayments({ state, poster, stats, receipts: deps.receipts });
  let stopped = false;

  const count =
    (counter: 'c2bRegistrations' | 'c2bSimulations'): RequestHandler =>
    (_req, _res, next) => {
      stats[counter] += 1;
      next();
    };

  // Daraja's gateway: a dead token first (404.001.03), then the app's product (401.003.01),
  // both before the body is read.
  const requireProduct: RequestHandler = (req, res, next) => {
    const app = readBearerApp(req, tokens);
    if (app === undefined) return refuse(res, DARAJA_ERRORS.invalidAccessToken);
    if (state.productVersion(app) !== versionOfPath(req.path)) return refuse(res, C2B_ERRORS.productMismatch);
    res.locals.app = app;
    next();
  };
  const requireObjectBody: RequestHandler = (req, res, next) => {
    const body: unknown = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      return refuse(res, DARAJA_ERRORS.invalidRequestPayload);
    next();
  };
  const darajaJson = [requireProduct, express.json({ limit: BODY_LIMIT }), requireObjectBody];
  const methodNotAllowed: RequestHandler = (_req, res) => refuse(res, DARAJA_ERRORS.methodNotAllowed);

  function registerUrl(req: Request, res: Response): void {
    const app = String(res.locals.app);
    const body = req.body as Record<string, unknown>;
    const fields = validateRegisterFields(body);
    if (!fields.ok) return refuse(res, fields.error);
    const { shortCode, responseType } = fields.value;
    const settings = state.shortCodeSettings(app, shortCode);
    const rules = { production: settings.production, targets: options.callbackTargets };
    // ValidationURL first: a body with "mpesa" in both URLs was refused naming it (docs/daraja.md §7).
    const urls: Record<string, string> = {};
    for (const field of ['ValidationURL', 'ConfirmationURL'] as const) {
      const checked = checkCallbackUrl(body[field], rules);
      if (!('url' in checked)) {
        if (checked.kind === 'target')
          logger.warn('simulator refused a C2B URL that is not a callback route of this service', {
            field,
            origin: typeof body[field] === 'string' ? originOf(body[field]) : '(not a string)',
            hint: 'SIMULATOR_CALLBACK_ALLOWLIST lists other URLs it may post to',
          });
        return refuse(res, badRegisterField(field, checked.why));
      }
      urls[field] = checked.url;
    }
    if (settings.production && state.registration(app, shortCode))
      return refuse(res, C2B_ERRORS.alreadyRegistered);
    state.register(app, {
      shortCode,
      version: versionOfPath(req.path),
      responseType,
      confirmationUrl: urls.ConfirmationURL!,
      validationUrl: urls.ValidationURL!,
      registeredAt: new Date().toISOString(),
    });
    logger.info('simulator registered C2B URLs', {
      shortCode,
      version: versionOfPath(req.path),
      responseType,
    });
    // `OriginatorCoversationID`, misspelt as on Daraja (docs/daraja.md §10.14).
    res.json({
      OriginatorCoversationID: deps.newRequestId(),
      ResponseCode: '0',
      ResponseDescription: REGISTERED,
    });
  }

  function runInBackground(work: Promise<unknown>): void {
    work.catch((error: unknown) => logger.error('simulator C2B payment failed', { error }));
  }

  function simulate(req: Request, res: Response): void {
    const checked = validatePayment(req.body as Record<string, unknown>, SIMULATE_FIELDS);
    if (!checked.ok) return refuse(res, checked.error);
    res.json({
      OriginatorCoversationID: deps.newRequestId(),
      ResponseCode: '0',
      ResponseDescription: SIMULATE_ACCEPTED,
    });
    if (stopped) return;
    const payer = { msisdn: checked.value.msisdn, ...DEFAULT_PAYER_NAMES };
    // Daraja answers first; validation and confirmation follow on their own (docs/daraja.md §7).
    runInBackground(pay({ app: String(res.locals.app), request: checked.value, payer, via: 'simulate' }));
  }

  /** The simulator's own action: what a customer does in the M-Pesa menu. No OAuth: it is not the merchant. */
  async function customerPays(req: Request, res: Response): Promise<void> {
    const body = req.body as Record<string, unknown>;
    const checked = validatePayment(
      { ...body, commandId: body.commandId ?? 'CustomerPayBillOnline' },
      {
        shortCode: 'shortCode',
        commandId: 'commandId',
        amount: 'amount',
        msisdn: 'msisdn',
        billRefNumber: 'billRefNumber',
      },
    );
    if (!checked.ok) return refuse(res, checked.error);
    const payer = readPayer(body, checked.value.msisdn);
    if (typeof payer === 'string') return refuse(res, invalidField(payer));
    const app = appPaid(body.consumerKey, checked.value.shortCode);
    if (typeof app !== 'string') return refuse(res, app);
    if (stopped) return refuse(res, DARAJA_ERRORS.internalServerError);
    res.json(await pay({ app, request: checked.value, payer, via: 'customer' }));
  }

  /**
   * Whose registration a payment to `shortCode` reaches: the named app's, else the one app that
   * registered URLs for it ('' when none did: M-Pesa completes it and tells nobody).
   */
  function appPaid(consumerKey: unknown, shortCode: string): string | DarajaError {
    if (consumerKey !== undefined)
      return typeof consumerKey === 'string' ? consumerKey : invalidField('consumerKey');
    const apps = state.appsRegistering(shortCode);
    if (apps.length <= 1) return apps[0] ?? '';
    // Two projects may hold one shortcode in the simulator; a real shortcode has one registration.
    return {
      ...invalidField('consumerKey'),
      errorMessage: `Bad Request - Invalid consumerKey (several apps registered URLs for ${shortCode}: name one)`,
    };
  }

  return {
    mount(router) {
      for (const path of [C2B_PATHS.registerV1, C2B_PATHS.registerV2])
        router
          .route(path)
          .post(count('c2bRegistrations'), ...darajaJson, registerUrl)
          .all(methodNotAllowed);
      for (const path of [C2B_PATHS.simulateV1, C2B_PATHS.simulateV2])
        router
          .route(path)
          .post(count('c2bSimulations'), ...darajaJson, simulate)
          .all(methodNotAllowed);
      router
        .route(C2B_PATHS.payments)
        .post(express.json({ limit: BODY_LIMIT }), requireObjectBody, customerPays)
        .get((req, res) => {
          const app = readBearerApp(req, tokens);
          if (app === undefined) return refuse(res, DARAJA_ERRORS.invalidAccessToken);
          res.json({ payments: state.payments(app) });
        })
        .all(methodNotAllowed);
      createC2bSettingsRoutes({ router, state, tokens, refuse, methodNotAllowed, bodyLimit: BODY_LIMIT });
    },
    stop() {
      stopped = true;
      poster.stop();
    },
  };
}

/** The payer's names, as on the M-Pesa register; the name of the first bad field otherwise. */
function readPayer(body: Record<string, unknown>, msisdn: string): Payer | string {
  const names: Omit<Payer, 'msisdn'> = { ...DEFAULT_PAYER_NAMES };
  for (const field of ['firstName', 'middleName', 'lastName'] as const) {
    const value = body[field];
    if (value === undefined) continue;
    if (typeof value !== 'string' || value.length > NAME_MAX_LENGTH) return field;
    names[field] = value;
  }
  return { msisdn, ...names };
}
