// The simulator's own Express router. It parses its own bodies and answers its own errors in
// Daraja's shape, because it is mounted inside our main app, whose error shape is different.
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { SimulatorStats } from './simulator';
import { DARAJA_ERRORS, invalidField } from './simulator.errors';
import { createHandlers, readBearerToken, type SimulatorDeps } from './simulator.handlers';
import { b2cHandler } from './simulator.b2c';
import { b2bHandler } from './simulator.b2b';
import { kes } from './simulator.balances';
import { createTransactionStatus } from './simulator.transaction-status';
import { createDynamicQr } from './simulator.qr';
import { reversalHandler } from './simulator.reversal';
import { accountBalanceHandler } from './simulator.account-balance';

const BODY_LIMIT = '64kb';

export const DARAJA_PATHS = {
  oauth: '/oauth/v1/generate',
  stkPush: '/mpesa/stkpush/v1/processrequest',
  stkQuery: '/mpesa/stkpushquery/v1/query',
  transactionStatus: '/mpesa/transactionstatus/v1/query',
  dynamicQr: '/mpesa/qrcode/v1/generate',
  b2cV3: '/mpesa/b2c/v3/paymentrequest',
  b2cV1: '/mpesa/b2c/v1/paymentrequest',
  reversal: '/mpesa/reversal/v1/request',
  accountBalance: '/mpesa/accountbalance/v1/query',
  b2b: '/mpesa/b2b/v1/paymentrequest',
} as const;

/** Not a Daraja path: the simulator's own counters, for tests and demos. */
export const STATS_PATH = '/__simulator/stats';
/**
 * Not a Daraja path: a shortcode's simulated Utility, Working and Charges Paid balances (GET, PUT
 * in KES), `?shortcode=600100`.
 */
export const BALANCES_PATH = '/__simulator/balances';
/**
 * Not a Daraja path: what the next reversal of `?shortcode=` does besides its result (PUT
 * `{"answer":"never"|"slow","result":"lost"}`), so a test or a demo can lose an answer or a Result.
 */
export const NEXT_REVERSAL_PATH = '/__simulator/reversals/next';
/** Not a Daraja path: the certificate to encrypt initiator passwords with, as Safaricom publishes its own (PEM). */
export const CERTIFICATE_PATH = '/__simulator/certificate';

/**
 * A request's own fault, as body-parser and the router mark it (a 4xx `status`): a body that does
 * not parse or inflate, an unsupported charset, a path parameter that does not percent-decode.
 */
function isClientError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('status' in error)) return false;
  return typeof error.status === 'number' && error.status >= 400 && error.status < 500;
}

export function createSimulatorRouter(deps: SimulatorDeps): { router: express.Router; stop: () => void } {
  const { tokens, stats, options } = deps;
  const handlers = createHandlers(deps);
  const transactionStatus = createTransactionStatus({
    ...deps,
    payoutStatus: (shortcode, originatorConversationId, at) =>
      deps.b2c.statusOf(shortcode, originatorConversationId, at) ??
      deps.b2b.statusOf(shortcode, originatorConversationId, at),
    reversalOf: (receipt, at) => deps.reversals.reversalOf(receipt, at),
    refuse: handlers.refuse,
    onPost: () => {
      stats.resultsSent += 1;
    },
  });
  const dynamicQr = createDynamicQr({ refuse: handlers.refuse });
  const router = express.Router({ caseSensitive: true });

  const count =
    (counter: keyof SimulatorStats): RequestHandler =>
    (_req, _res, next) => {
      stats[counter] += 1;
      next();
    };

  const requireToken: RequestHandler = (req, res, next) => {
    const token = readBearerToken(req);
    if (token === undefined || !tokens.isValid(token))
      return handlers.refuse(res, DARAJA_ERRORS.invalidAccessToken);
    next();
  };

  // Daraja answers a non-JSON Content-Type as an invalid BusinessShortCode: its FAQ names a
  // wrong Content-Type as the usual cause of that message (docs/daraja.md §2).
  const requireJsonContentType: RequestHandler = (req, res, next) => {
    if (!req.is('application/json')) return handlers.refuse(res, invalidField('BusinessShortCode'));
    next();
  };

  const requireObjectBody: RequestHandler = (req, res, next) => {
    const body: unknown = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      return handlers.refuse(res, DARAJA_ERRORS.invalidRequestPayload);
    next();
  };

  const darajaJson = [
    requireToken,
    requireJsonContentType,
    express.json({ limit: BODY_LIMIT }),
    requireObjectBody,
  ];
  // The APIs after STK read no BusinessShortCode: a body that is not JSON is an invalid payload.
  const requireJson: RequestHandler = (req, res, next) => {
    if (!req.is('application/json')) return handlers.refuse(res, DARAJA_ERRORS.invalidRequestPayload);
    next();
  };
  const jsonObject = [requireToken, requireJson, express.json({ limit: BODY_LIMIT }), requireObjectBody];
  const methodNotAllowed: RequestHandler = (_req, res) =>
    handlers.refuse(res, DARAJA_ERRORS.methodNotAllowed);

  router.route(DARAJA_PATHS.oauth).get(count('oauthCalls'), handlers.generateToken).all(methodNotAllowed);
  router
    .route(DARAJA_PATHS.stkPush)
    .post(count('stkPushes'), ...darajaJson, handlers.processStkPush)
    .all(methodNotAllowed);
  router
    .route(DARAJA_PATHS.stkQuery)
    .post(count('stkQueries'), ...darajaJson, handlers.queryStkPush)
    .all(methodNotAllowed);
  const appOf = (req: Request) => tokens.appOf(readBearerToken(req) ?? '') ?? '';
  for (const version of ['v1', 'v3'] as const)
    router
      .route(version === 'v3' ? DARAJA_PATHS.b2cV3 : DARAJA_PATHS.b2cV1)
      .post(
        ...jsonObject,
        b2cHandler(deps.b2c, version, {
          refuse: handlers.refuse,
          appOf,
          onRequest: () => (stats.b2cRequests += 1),
        }),
      )
      .all(methodNotAllowed);
  const reversal = reversalHandler(deps.reversals, {
    refuse: handlers.refuse,
    appOf,
    onRequest: () => (stats.reversalRequests += 1),
  });
  router
    .route(DARAJA_PATHS.reversal)
    .post(...jsonObject, reversal.handle)
    .all(methodNotAllowed);
  router
    .route(DARAJA_PATHS.accountBalance)
    .post(
      ...jsonObject,
      accountBalanceHandler({
        balances: deps.balances,
        poster: deps.poster,
        targets: options.callbackTargets,
        resultDelayMs: options.callbackDelayMs,
        knowsShortcode: async (shortcode, consumerKey) =>
          (await options.directory.merchant(shortcode, consumerKey)) !== undefined,
        checkInitiator: (request, consumerKey) =>
          deps.checkInitiator(request.partyA, request.initiator, request.securityCredential, consumerKey),
        refuse: handlers.refuse,
        appOf,
        onRequest: () => (stats.accountBalanceQueries += 1),
      }),
    )
    .all(methodNotAllowed);
  router
    .route(DARAJA_PATHS.b2b)
    .post(
      ...jsonObject,
      b2bHandler(deps.b2b, { refuse: handlers.refuse, appOf, onRequest: () => (stats.b2bRequests += 1) }),
    )
    .all(methodNotAllowed);
  const balancesOf = (shortcode: string) => {
    const balances = deps.balances.of(shortcode);
    return {
      shortcode,
      utility: kes(balances.utilityCents),
      working: kes(balances.workingCents),
      chargesPaid: kes(balances.chargesPaidCents),
    };
  };
  const shortcodeOf = (req: Request) =>
    typeof req.query.shortcode === 'string' && /^\d{5,7}$/.test(req.query.shortcode)
      ? req.query.shortcode
      : undefined;
  router
    .route(BALANCES_PATH)
    .get((req, res) => {
      const shortcode = shortcodeOf(req);
      if (!shortcode) return handlers.refuse(res, invalidField('shortcode'));
      res.json(balancesOf(shortcode));
    })
    .put(express.json({ limit: BODY_LIMIT }), (req, res) => {
      const shortcode = shortcodeOf(req);
      if (!shortcode) return handlers.refuse(res, invalidField('shortcode'));
      const body = (req.body ?? {}) as Record<string, unknown>;
      const cents = (value: unknown) =>
        typeof value === 'number' && Number.isFinite(value) && value >= 0
          ? Math.round(value * 100)
          : undefined;
      deps.balances.set(shortcode, {
        ...(cents(body.utility) === undefined ? {} : { utilityCents: cents(body.utility)! }),
        ...(cents(body.working) === undefined ? {} : { workingCents: cents(body.working)! }),
      });
      res.json(balancesOf(shortcode));
    })
    .all(methodNotAllowed);
  router
    .route(NEXT_REVERSAL_PATH)
    .put(express.json({ limit: BODY_LIMIT }), (req, res) => {
      const shortcode = shortcodeOf(req);
      if (!shortcode) return handlers.refuse(res, invalidField('shortcode'));
      const body = (req.body ?? {}) as Record<string, unknown>;
      const answer = body.answer === 'never' || body.answer === 'slow' ? body.answer : undefined;
      const result = body.result === 'lost' ? ('lost' as const) : undefined;
      deps.reversals.setNext(shortcode, { answer, result });
      res.json({ shortcode, answer: answer ?? null, result: result ?? null });
    })
    .all(methodNotAllowed);
  router
    .route(DARAJA_PATHS.transactionStatus)
    .post(count('transactionStatusQueries'), ...jsonObject, transactionStatus.handle)
    .all(methodNotAllowed);
  router
    .route(DARAJA_PATHS.dynamicQr)
    .post(...jsonObject, dynamicQr.handle)
    .all(methodNotAllowed);
  router
    .route(CERTIFICATE_PATH)
    .get((_req, res) => {
      res.type('application/x-pem-file').send(deps.credentials.certificatePem);
    })
    .all(methodNotAllowed);
  router
    .route(STATS_PATH)
    .get((_req, res) => {
      res.json({ ...stats });
    })
    .all(methodNotAllowed);
  deps.c2b.mount(router);

  router.use((_req: Request, res: Response) => handlers.refuse(res, DARAJA_ERRORS.resourceNotFound));

  // Four parameters: that is how Express recognises an error handler.
  router.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    if (isClientError(error)) return handlers.refuse(res, DARAJA_ERRORS.invalidRequestPayload);
    options.logger.error('simulator request failed', { error });
    handlers.refuse(res, DARAJA_ERRORS.internalServerError);
  });

  return {
    router,
    stop: () => {
      transactionStatus.stop();
      reversal.releaseHeld();
    },
  };
}
