// What Safaricom keeps on its side for an app and its shortcodes, made settable: the app's C2B
// product version, External Validation per shortcode (enabled by Safaricom on request), the
// MSISDN form, production behaviour, and the URL deletion Daraja offers on its portal. Each
// call carries the app's own access token, so a project can only change its own settings.
import express, { type Request, type RequestHandler, type Response } from 'express';
import type { C2bState, MsisdnForm, ShortCodeSettings } from './simulator.c2b-state';
import { DARAJA_ERRORS, invalidField, type DarajaError } from './simulator.errors';
import type { TokenStore } from './simulator.tokens';
import { readShortCode } from './simulator.validation';

export const C2B_SETTINGS_PATHS = {
  app: '/__simulator/c2b/settings',
  shortCode: '/__simulator/c2b/shortcodes/:shortCode',
  urls: '/__simulator/c2b/shortcodes/:shortCode/urls',
} as const;

const MSISDN_FORMS: ReadonlyArray<MsisdnForm | null> = ['hashed', 'masked', 'clear', null];

/** The consumer key behind a request's valid bearer token. */
export function readBearerApp(req: Request, tokens: TokenStore): string | undefined {
  const token = /^Bearer (\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
  return token === undefined ? undefined : tokens.appOf(token);
}

export function createC2bSettingsRoutes(deps: {
  router: express.Router;
  state: C2bState;
  tokens: TokenStore;
  refuse: (res: Response, error: DarajaError) => void;
  methodNotAllowed: RequestHandler;
  bodyLimit: string;
}): void {
  const { router, state, tokens, refuse, methodNotAllowed } = deps;

  const requireApp: RequestHandler = (req, res, next) => {
    const app = readBearerApp(req, tokens);
    if (app === undefined) return refuse(res, DARAJA_ERRORS.invalidAccessToken);
    res.locals.app = app;
    next();
  };
  const requireShortCode: RequestHandler = (req, res, next) => {
    const shortCode = readShortCode(req.params.shortCode);
    if (shortCode === undefined) return refuse(res, invalidField('shortCode'));
    res.locals.shortCode = shortCode;
    next();
  };
  const json = [
    express.json({ limit: deps.bodyLimit }),
    ((req, res, next) => {
      const body: unknown = req.body;
      if (typeof body !== 'object' || body === null || Array.isArray(body))
        return refuse(res, DARAJA_ERRORS.invalidRequestPayload);
      next();
    }) as RequestHandler,
  ];

  function view(app: string) {
    return {
      productVersion: state.productVersion(app),
      pullPageSize: state.pullPageSize(app),
      shortCodes: Object.fromEntries(
        state.knownShortCodes(app).map((shortCode) => [
          shortCode,
          {
            ...state.shortCodeSettings(app, shortCode),
            registration: state.registration(app, shortCode) ?? null,
            pull: state.pullRegistration(app, shortCode) ?? null,
          },
        ]),
      ),
    };
  }

  router
    .route(C2B_SETTINGS_PATHS.app)
    .get(requireApp, (_req, res) => {
      res.json(view(String(res.locals.app)));
    })
    .put(requireApp, ...json, (req, res) => {
      const { productVersion, pullPageSize } = req.body as Record<string, unknown>;
      // Either may be left out, not both.
      if (pullPageSize === undefined && productVersion !== 'v1' && productVersion !== 'v2')
        return refuse(res, invalidField('productVersion'));
      if (productVersion !== undefined && productVersion !== 'v1' && productVersion !== 'v2')
        return refuse(res, invalidField('productVersion'));
      if (
        pullPageSize !== undefined &&
        !(typeof pullPageSize === 'number' && Number.isInteger(pullPageSize) && pullPageSize >= 1)
      )
        return refuse(res, invalidField('pullPageSize'));
      const app = String(res.locals.app);
      if (productVersion !== undefined) state.setProductVersion(app, productVersion);
      if (pullPageSize !== undefined) state.setPullPageSize(app, Math.min(pullPageSize, 10_000));
      res.json(view(app));
    })
    .all(methodNotAllowed);

  router
    .route(C2B_SETTINGS_PATHS.shortCode)
    .put(requireApp, requireShortCode, ...json, (req, res) => {
      const change = readShortCodeChange(req.body as Record<string, unknown>);
      if (typeof change === 'string') return refuse(res, invalidField(change));
      const app = String(res.locals.app);
      const shortCode = String(res.locals.shortCode);
      res.json({
        shortCode,
        ...state.updateShortCode(app, shortCode, change),
        registration: state.registration(app, shortCode) ?? null,
      });
    })
    .all(methodNotAllowed);

  // Daraja's self-service URL deletion (portal, "URL Management"): production can then register again.
  router
    .route(C2B_SETTINGS_PATHS.urls)
    .delete(requireApp, requireShortCode, (_req, res) => {
      const deleted = state.deleteRegistration(String(res.locals.app), String(res.locals.shortCode));
      res.json({ shortCode: res.locals.shortCode, deleted });
    })
    .all(methodNotAllowed);
}

/** The settings a PUT changes; the name of the first bad field otherwise. `msisdnForm: null` goes back to the version's form. */
function readShortCodeChange(body: Record<string, unknown>): Partial<ShortCodeSettings> | string {
  const change: Partial<ShortCodeSettings> = {};
  const { externalValidation, msisdnForm, production } = body;
  if (externalValidation !== undefined) {
    if (typeof externalValidation !== 'boolean') return 'externalValidation';
    change.externalValidation = externalValidation;
  }
  if (msisdnForm !== undefined) {
    if (!MSISDN_FORMS.includes(msisdnForm as MsisdnForm | null)) return 'msisdnForm';
    change.msisdnForm = (msisdnForm as MsisdnForm | null) ?? undefined;
  }
  if (production !== undefined) {
    if (typeof production !== 'boolean') return 'production';
    change.production = production;
  }
  return change;
}
