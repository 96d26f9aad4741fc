// C2B as tests need it: a Daraja that registers C2B URLs as the real one answers (the product
// version check included) in front of the simulator (OAuth, STK Push), a project with a sandbox
// account on it and C2B switched on, and confirmation bodies as Safaricom posts them
// (tests/fixtures/daraja-fixtures.json `c2b_*`).
import axios from 'axios';
import express from 'express';
import fixtures from '../fixtures/daraja-fixtures.json';
import { createLogger } from '../../src/logger';
import { createSimulator } from '../../src/simulator/simulator';
import { callbackTargets } from '../../src/simulator/simulator.callback-targets';
import { staticDirectory } from '../../src/simulator/simulator.directory';
import { listenOnLoopback } from './fake-daraja';
import { accountBody, keysOf } from './accounts';
import { adminHeaders } from './http-edges';
import { merchantClient, type MerchantRequest, type ProjectKeys } from './merchant';
import type { TestServer } from './server';

export interface Registration {
  version: string;
  body: { ShortCode: string; ResponseType: string; ConfirmationURL: string; ValidationURL: string };
}

export interface C2bDaraja {
  url: string;
  registrations: Registration[];
  /** The app's consumer key and secret: accounts made with them are on this Daraja. */
  app: { consumerKey: string; consumerSecret: string };
  /** The C2B product versions the app has; another one is refused with 401.003.01. */
  versions: Set<string>;
  /** The next registration is answered with this instead (once). */
  answerNext(status: number, body: unknown): void;
  close(): Promise<void>;
}

const NO_PRODUCT = {
  requestId: '11728-2929992-1',
  errorCode: '401.003.01',
  errorMessage: 'Error Occurred - Invalid Access Token - Invalid API call as no apiproduct match found',
};

export async function startC2bDaraja(shortcodes: readonly string[], versions = ['v2']): Promise<C2bDaraja> {
  const app = {
    consumerKey: `c2b-app-${Math.random().toString(36).slice(2, 10)}`,
    consumerSecret: 'c2b-app-secret-0001',
  };
  const registrations: Registration[] = [];
  const enabled = new Set(versions);
  let next: { status: number; body: unknown } | undefined;
  const simulator = createSimulator({
    directory: staticDirectory(
      [app],
      Object.fromEntries(shortcodes.map((code) => [code, { passkey: 'c2b-passkey', tills: [] }])),
    ),
    callbackDelayMs: 3_600_000,
    lateCallbackMs: 3_600_000,
    logger: createLogger({ log: { level: 'error', format: 'json' } }, true),
    callbackTargets: callbackTargets([{ origin: 'loopback', pathPrefix: '/' }]),
  });
  const web = express();
  web.post('/mpesa/c2b/:version/registerurl', express.json(), (req, res) => {
    const version = req.params.version!;
    registrations.push({ version, body: req.body as Registration['body'] });
    if (next) {
      const answer = next;
      next = undefined;
      return void res.status(answer.status).json(answer.body);
    }
    if (!enabled.has(version)) return void res.status(401).json(NO_PRODUCT);
    res.json(fixtures.c2b_register_url_response.body);
  });
  web.use(simulator.router);
  const server = await listenOnLoopback(web);
  return {
    url: server.url,
    registrations,
    app,
    versions: enabled,
    answerNext: (status, body) => {
      next = { status, body };
    },
    close: async () => {
      simulator.stop();
      await server.close();
    },
  };
}

export interface C2bShop {
  merchant: MerchantRequest;
  keys: ProjectKeys;
  accountId: string;
  /** Where Daraja was told to post (the last registration). */
  confirmationUrl: string;
  validationUrl: string;
}

/** A new project with a sandbox PayBill account on `daraja`, C2B switched on with `c2b`. */
export async function c2bShop(
  server: TestServer,
  daraja: C2bDaraja,
  options: { shortcode: string; tillNumber?: string; c2b?: Record<string, unknown> },
): Promise<C2bShop> {
  const created = await axios.post(
    `${server.url}/api/v1/projects`,
    { name: 'Walk-in shop' },
    { headers: adminHeaders(server) },
  );
  const keys = keysOf(created.data, 'test');
  const merchant = merchantClient(server.url, keys);
  const account = await merchant({
    method: 'POST',
    path: '/api/v1/mpesa-accounts',
    body: accountBody({
      environment: 'sandbox',
      ...daraja.app,
      shortcode: options.shortcode,
      passkey: 'c2b-passkey',
      ...(options.tillNumber ? { tillNumber: options.tillNumber } : {}),
    }),
  });
  expect(account.status).toBe(201);
  const accountId = account.data.account.id as string;
  const enabled = await merchant({
    method: 'POST',
    path: `/api/v1/mpesa-accounts/${accountId}/c2b`,
    body: options.c2b ?? { version: 'v2' },
  });
  if (enabled.status !== 200)
    throw new Error(`C2B not switched on: ${enabled.status} ${JSON.stringify(enabled.data)}`);
  const last = daraja.registrations.at(-1)!.body;
  return {
    merchant,
    keys,
    accountId,
    confirmationUrl: last.ConfirmationURL,
    validationUrl: last.ValidationURL,
  };
}

/** A confirmation (or validation) body as Safaricom posts it (v2, MSISDN masked), with overrides. */
export function c2bBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...fixtures.c2b_confirmation_or_validation_payload_v2_masked.body, ...overrides };
}

let receipts = 0;
/** A receipt no other test uses. */
export function newReceipt(): string {
  receipts += 1;
  return `TC2B${Date.now().toString(36).toUpperCase().slice(-4)}${String(receipts).padStart(2, '0')}`;
}

/** POSTs exactly `body` (an object is sent as JSON) to a C2B URL, as Safaricom would. */
export function postC2b(url: string, body: unknown, headers: Record<string, string> = {}) {
  return axios.post(url, typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body), {
    headers: { 'Content-Type': 'application/json', ...headers },
    validateStatus: () => true,
    transformRequest: (data: unknown) => data,
  });
}

/**
 * The C2B URLs an app registered for `shortcode` with the simulator at `simulatorUrl` (the
 * service's /simulator, or the standalone one), read with that app's own token.
 */
export async function registeredC2bUrls(
  simulatorUrl: string,
  app: { consumerKey: string; consumerSecret: string },
  shortcode: string,
): Promise<{ confirmationUrl: string; validationUrl: string }> {
  const basic = Buffer.from(`${app.consumerKey}:${app.consumerSecret}`).toString('base64');
  const oauth = await axios.get(`${simulatorUrl}/oauth/v1/generate?grant_type=client_credentials`, {
    headers: { Authorization: `Basic ${basic}` },
  });
  const settings = await axios.get(`${simulatorUrl}/__simulator/c2b/settings`, {
    headers: { Authorization: `Bearer ${oauth.data.access_token}` },
  });
  const registration = settings.data.shortCodes[shortcode]?.registration as
    { confirmationUrl: string; validationUrl: string } | undefined;
  if (!registration) throw new Error(`no C2B URLs registered for ${shortcode}`);
  return { confirmationUrl: registration.confirmationUrl, validationUrl: registration.validationUrl };
}
