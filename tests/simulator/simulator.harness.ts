// Drives the simulator over real HTTP: the simulator on port 0, plus a tiny callback receiver
// on port 0 that records every callback Safaricom (here: the simulator) posts.
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createLogger } from '../../src/logger';
import {
  startSimulatorServer,
  type SimulatorServer,
  type SimulatorServerOptions,
} from '../../src/simulator/main';
import { staticDirectory } from '../../src/simulator/simulator.directory';
import type { SimulatorStats } from '../../src/simulator/simulator';
import { callbackTargets } from '../../src/simulator/simulator.callback-targets';

export const CONSUMER_KEY = 'test-consumer-key';
export const CONSUMER_SECRET = 'test-consumer-secret';
export const SHORTCODE = '174379';
export const PASSKEY = 'bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919';
/** A till under SHORTCODE (Buy Goods pushes pay it as PartyB). */
export const TILL = '5050505';
export const CALLBACK_DELAY_MS = 50;
export const LATE_CALLBACK_MS = 300;

/** Receivers on this machine, any port and path: tests' own receivers (never a deployment's rule). */
export const LOOPBACK_RECEIVERS = callbackTargets([{ origin: 'loopback', pathPrefix: '/' }]);

export const silentLogger = createLogger({ log: { level: 'error', format: 'json' } }, true);

export interface ReceivedCallback {
  headers: IncomingHttpHeaders;
  body: StkCallbackPayload;
  receivedAt: number;
}

/** The callback as the receiver sees it: only what the tests read, typed loosely on purpose. */
export interface StkCallbackPayload {
  Body: {
    stkCallback: {
      MerchantRequestID: unknown;
      CheckoutRequestID: unknown;
      ResultCode: unknown;
      ResultDesc: unknown;
      CallbackMetadata?: { Item: Array<{ Name: string; Value?: unknown }> };
    };
  };
}

export interface HttpAnswer {
  status: number;
  text: string;
  json: Record<string, unknown>;
  headers: Headers;
}

export interface Harness {
  baseUrl: string;
  callbackUrl: string;
  callbacks: ReceivedCallback[];
  callbacksFor(checkoutRequestId: string): ReceivedCallback[];
  waitForCallbacks(checkoutRequestId: string, count: number, timeoutMs?: number): Promise<ReceivedCallback[]>;
  /** Polls the simulator's counters until `until` holds (true) or the time is up (false). */
  waitForStats(until: (stats: SimulatorStats) => boolean, timeoutMs?: number): Promise<boolean>;
  fetchToken(): Promise<string>;
  get(path: string, headers?: Record<string, string>): Promise<HttpAnswer>;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<HttpAnswer>;
  push(body: Record<string, unknown>, token?: string): Promise<HttpAnswer>;
  query(checkoutRequestId: string, token?: string, overrides?: Record<string, unknown>): Promise<HttpAnswer>;
  close(): Promise<void>;
}

export function basicAuth(key: string, secret: string): string {
  return `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;
}

/** YYYYMMDDHHmmss in Nairobi time, built independently of the simulator's own helper. */
export function nairobiTimestamp(date = new Date()): string {
  return new Date(date.getTime() + 3 * 3600_000).toISOString().replace(/\D/g, '').slice(0, 14);
}

export function darajaPassword(shortcode: string, passkey: string, timestamp: string): string {
  return Buffer.from(shortcode + passkey + timestamp).toString('base64');
}

/** A valid STK Push body in the portal simulator's shape (numbers for the numeric fields). */
export function stkPushBody(
  callbackUrl: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const timestamp = nairobiTimestamp();
  return {
    BusinessShortCode: 174379,
    Password: darajaPassword(SHORTCODE, PASSKEY, timestamp),
    Timestamp: timestamp,
    TransactionType: 'CustomerPayBillOnline',
    Amount: 10,
    PartyA: 254712345678,
    PartyB: 174379,
    PhoneNumber: 254712345678,
    CallBackURL: callbackUrl,
    AccountReference: 'INV-42',
    TransactionDesc: 'Payment',
    ...overrides,
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function answer(response: Response): Promise<HttpAnswer> {
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    // Not JSON: the test reads `text`.
  }
  return { status: response.status, text, json, headers: response.headers };
}

export interface CallbackReceiver {
  url: string;
  callbacks: ReceivedCallback[];
  close(): Promise<void>;
}

/** Records every callback posted to it and acknowledges it the way merchants usually do. */
export async function startCallbackReceiver(): Promise<CallbackReceiver> {
  const callbacks: ReceivedCallback[] = [];
  const app = express();
  app.post('/callbacks', express.json(), (req, res) => {
    callbacks.push({ headers: req.headers, body: req.body as StkCallbackPayload, receivedAt: Date.now() });
    res.json({ ResultCode: 0, ResultDesc: 'Accepted' });
  });
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/callbacks`,
    callbacks,
    close: () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      return closed;
    },
  };
}

export async function startHarness(overrides: Partial<SimulatorServerOptions> = {}): Promise<Harness> {
  const receiver = await startCallbackReceiver();
  const { callbacks } = receiver;
  const simulator: SimulatorServer = await startSimulatorServer({
    directory: staticDirectory([{ consumerKey: CONSUMER_KEY, consumerSecret: CONSUMER_SECRET }], {
      [SHORTCODE]: { passkey: PASSKEY, tills: [TILL] },
    }),
    callbackDelayMs: CALLBACK_DELAY_MS,
    lateCallbackMs: LATE_CALLBACK_MS,
    logger: silentLogger,
    callbackTargets: LOOPBACK_RECEIVERS,
    port: 0,
    host: '127.0.0.1',
    ...overrides,
  });
  const baseUrl = simulator.url;
  const callbackUrl = receiver.url;

  const get = async (path: string, headers: Record<string, string> = {}) =>
    answer(await fetch(`${baseUrl}${path}`, { headers }));
  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) =>
    answer(
      await fetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    );
  const callbacksFor = (checkoutRequestId: string) =>
    callbacks.filter((callback) => callback.body.Body.stkCallback.CheckoutRequestID === checkoutRequestId);

  const harness: Harness = {
    baseUrl,
    callbackUrl,
    callbacks,
    callbacksFor,
    async waitForCallbacks(checkoutRequestId, count, timeoutMs = 3000) {
      const deadline = Date.now() + timeoutMs;
      while (callbacksFor(checkoutRequestId).length < count && Date.now() < deadline) await sleep(10);
      return callbacksFor(checkoutRequestId);
    },
    async waitForStats(until, timeoutMs = 3000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (until((await get('/__simulator/stats')).json as unknown as SimulatorStats)) return true;
        if (Date.now() >= deadline) return false;
        await sleep(10);
      }
    },
    async fetchToken() {
      const token = await get('/oauth/v1/generate?grant_type=client_credentials', {
        Authorization: basicAuth(CONSUMER_KEY, CONSUMER_SECRET),
      });
      if (token.status !== 200) throw new Error(`OAuth failed with HTTP ${token.status}`);
      return String(token.json.access_token);
    },
    get,
    post,
    async push(body, token) {
      return post('/mpesa/stkpush/v1/processrequest', body, {
        Authorization: `Bearer ${token ?? (await harness.fetchToken())}`,
      });
    },
    async query(checkoutRequestId, token, overrides = {}) {
      const timestamp = nairobiTimestamp();
      const body = {
        BusinessShortCode: SHORTCODE,
        Password: darajaPassword(SHORTCODE, PASSKEY, timestamp),
        Timestamp: timestamp,
        CheckoutRequestID: checkoutRequestId,
        ...overrides,
      };
      return post('/mpesa/stkpushquery/v1/query', body, {
        Authorization: `Bearer ${token ?? (await harness.fetchToken())}`,
      });
    },
    async close() {
      await simulator.close();
      await receiver.close();
    },
  };
  return harness;
}

/** Daraja's hex-group identifier style, e.g. `1c5b-4ba8-815c-ac45c57a3db01495926`. */
export const HEX_GROUP_ID = /^[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\d+$/;

export function itemValue(callback: ReceivedCallback, name: string): unknown {
  return callback.body.Body.stkCallback.CallbackMetadata?.Item.find((item) => item.Name === name)?.Value;
}
