// Daraja's Pull Transactions API (docs/daraja.md §7 "Pull Transactions"): a shortcode registered
// for Pull (`/pulltransactions/v1/register`) can ask for its C2B payments of a window
// (`/pulltransactions/v1/query`), confirmations delivered or not, paged by offset, in a
// nested-array answer. M-Pesa keeps them 48 hours. Each call carries the app's own token, so an
// app pulls only the payments that reached it (two projects may hold one shortcode here).
import express, { type RequestHandler, type Response } from 'express';
import type { Logger } from '../logger';
import type { CallbackTargets } from './simulator.callback-targets';
import { checkCallbackUrl } from './simulator.c2b-requests';
import { readBearerApp } from './simulator.c2b-settings';
import type { C2bLedgerEntry, C2bState } from './simulator.c2b-state';
import { DARAJA_ERRORS, invalidField, type DarajaError } from './simulator.errors';
import { eatParts } from './simulator.ids';
import type { TokenStore } from './simulator.tokens';
import { readMsisdn, readShortCode } from './simulator.validation';

export const PULL_PATHS = {
  register: '/pulltransactions/v1/register',
  query: '/pulltransactions/v1/query',
} as const;

/** "within the last 48 hours" (DOC-PULL): older payments are no longer answered. */
export const PULL_RETENTION_MS = 48 * 3600_000;
const EAT_OFFSET_MS = 3 * 3600_000;
// StartDate and EndDate: "YYYY-MM-DD HH:mm:ss", Kenyan time (DOC-PULL's sample).
const PULL_DATE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

// The answers' own words (docs/daraja.md §7 "Pull Transactions").
const REGISTERED = { status: '1000', description: 'Shortcode Registered Successfully' };
const ALREADY_REGISTERED = { status: '1001', description: 'ShortCode already Registered' };
const SUCCESS = { code: '1000', message: 'Success' };
const NOTHING = { code: '1001', message: 'No transactions available for the selected time period' };

const ANY_TARGET: CallbackTargets = { allows: () => true };

/** A query for a shortcode the app never registered for Pull. */
const NOT_REGISTERED: DarajaError = {
  httpStatus: 400,
  errorCode: '400.002.02',
  errorMessage: 'Bad Request - Invalid ShortCode - not registered for Pull Transactions',
};

/** `YYYY-MM-DD HH:mm:ss` in EAT as an instant; undefined when it is not one (a 31st of February too). */
export function readPullDate(value: unknown): number | undefined {
  const parts = typeof value === 'string' ? PULL_DATE.exec(value.trim()) : null;
  if (!parts) return undefined;
  const [, year, month, day, hour, minute, second] = parts;
  const local = `${year}-${month}-${day}T${hour}:${minute}:${second}`;
  const at = new Date(`${local}Z`);
  if (Number.isNaN(at.getTime()) || !at.toISOString().startsWith(local)) return undefined;
  return at.getTime() - EAT_OFFSET_MS;
}

function readOffset(value: unknown): number | undefined {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^\d{1,9}$/.test(text.trim())) return undefined;
  return Number(text.trim());
}

/** One row of the answer, as DOC-PULL's sample: the payer's number in clear, as a JSON number. */
export function pullRow(entry: C2bLedgerEntry, organization: string) {
  const t = eatParts(entry.at);
  return {
    transactionId: entry.transId,
    trxDate: `${t.year}-${t.month}-${t.day}T${t.hour}:${t.minute}:${t.second}+03:00`,
    msisdn: Number(entry.msisdn),
    sender: 'MPESA',
    transactiontype:
      entry.commandId === 'CustomerBuyGoodsOnline' ? 'c2b-buy-goods-debit' : 'c2b-pay-bill-debit',
    billreference: entry.billRefNumber,
    amount: `${entry.amount}.0`,
    organizationname: organization,
  };
}

export function mountPullRoutes(deps: {
  router: express.Router;
  state: C2bState;
  tokens: TokenStore;
  refuse: (res: Response, error: DarajaError) => void;
  methodNotAllowed: RequestHandler;
  bodyLimit: string;
  newRequestId: () => string;
  logger: Logger;
  now?: () => number;
}): void {
  const { router, state, tokens, refuse, methodNotAllowed } = deps;
  const now = deps.now ?? Date.now;

  const requireApp: RequestHandler = (req, res, next) => {
    const app = readBearerApp(req, tokens);
    if (app === undefined) return refuse(res, DARAJA_ERRORS.invalidAccessToken);
    res.locals.app = app;
    next();
  };
  const requireObjectBody: RequestHandler = (req, res, next) => {
    const body: unknown = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      return refuse(res, DARAJA_ERRORS.invalidRequestPayload);
    next();
  };
  const darajaJson = [requireApp, express.json({ limit: deps.bodyLimit }), requireObjectBody];

  router
    .route(PULL_PATHS.register)
    .post(...darajaJson, (req, res) => {
      const app = String(res.locals.app);
      const body = req.body as Record<string, unknown>;
      const shortCode = readShortCode(body.ShortCode);
      if (shortCode === undefined) return refuse(res, invalidField('ShortCode'));
      if (typeof body.RequestType !== 'string' || body.RequestType.trim().toLowerCase() !== 'pull')
        return refuse(res, invalidField('RequestType'));
      const nominatedNumber = readMsisdn(body.NominatedNumber);
      if (nominatedNumber === undefined) return refuse(res, invalidField('NominatedNumber'));
      // M-Pesa keeps the URL; nothing is posted to it for a query (the answer is synchronous),
      // so any address this simulator may not post to is still taken.
      const url = checkCallbackUrl(body.CallBackURL, {
        production: state.shortCodeSettings(app, shortCode).production,
        targets: ANY_TARGET,
      });
      if (!('url' in url)) return refuse(res, invalidField('CallBackURL'));
      const already = state.pullRegistration(app, shortCode) !== undefined;
      if (!already)
        state.registerPull(app, {
          shortCode,
          nominatedNumber,
          callbackUrl: url.url,
          registeredAt: new Date(now()).toISOString(),
        });
      deps.logger.info('simulator registered a shortcode for Pull Transactions', { shortCode, already });
      const answer = already ? ALREADY_REGISTERED : REGISTERED;
      res.json({
        ResponseRefID: deps.newRequestId(),
        ResponseStatus: answer.status,
        ShortCode: shortCode,
        ResponseDescription: answer.description,
      });
    })
    .all(methodNotAllowed);

  router
    .route(PULL_PATHS.query)
    .post(...darajaJson, (req, res) => {
      const app = String(res.locals.app);
      const body = req.body as Record<string, unknown>;
      const shortCode = readShortCode(body.ShortCode);
      if (shortCode === undefined) return refuse(res, invalidField('ShortCode'));
      if (!state.pullRegistration(app, shortCode)) return refuse(res, NOT_REGISTERED);
      const start = readPullDate(body.StartDate);
      if (start === undefined) return refuse(res, invalidField('StartDate'));
      const end = readPullDate(body.EndDate);
      if (end === undefined || end < start) return refuse(res, invalidField('EndDate'));
      const offset = readOffset(body.OffSetValue);
      if (offset === undefined) return refuse(res, invalidField('OffSetValue'));
      const kept = now() - PULL_RETENTION_MS;
      // The dates have whole seconds: a payment at 10:00:00.700 is in a window ending 10:00:00.
      const inWindow = state
        .booked(app, shortCode)
        .filter((entry) => {
          const second = entry.at - (entry.at % 1000);
          return entry.at >= kept && second >= start && second <= end;
        })
        .sort((a, b) => a.at - b.at || (a.transId < b.transId ? -1 : 1));
      const page = inWindow.slice(offset, offset + state.pullPageSize(app));
      const answer = page.length === 0 ? NOTHING : SUCCESS;
      res.json({
        ResponseRefID: deps.newRequestId(),
        ResponseCode: answer.code,
        ResponseMessage: answer.message,
        Response: [page.map((entry) => pullRow(entry, `SIMULATED SHOP ${shortCode}`))],
      });
    })
    .all(methodNotAllowed);
}
