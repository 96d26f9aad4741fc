// A merchant's C2B endpoints on a real loopback port: a ValidationURL and a ConfirmationURL that
// record every body M-Pesa (here: the simulator) posts and answer as each test scripts them.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { basicAuth, sleep, type Harness, type HttpAnswer } from './simulator.harness';

export interface ReceivedNotification {
  body: Record<string, unknown>;
  contentType: string | undefined;
  at: number;
}

export interface ScriptedAnswer {
  status?: number;
  json?: unknown;
  /** Text sent as it is (not JSON), instead of `json`. */
  text?: string;
  delayMs?: number;
}

export interface C2bReceiver {
  validationUrl: string;
  confirmationUrl: string;
  validations: ReceivedNotification[];
  confirmations: ReceivedNotification[];
  /** What the ValidationURL answers next (default: accept). */
  answerValidation(answer: ScriptedAnswer): void;
  answerConfirmation(answer: ScriptedAnswer): void;
  waitForConfirmations(count: number, timeoutMs?: number): Promise<ReceivedNotification[]>;
  close(): Promise<void>;
}

export const ACCEPT = { ResultCode: '0', ResultDesc: 'Accepted' };

export async function startC2bReceiver(): Promise<C2bReceiver> {
  const validations: ReceivedNotification[] = [];
  const confirmations: ReceivedNotification[] = [];
  let validationAnswer: ScriptedAnswer = { json: ACCEPT };
  let confirmationAnswer: ScriptedAnswer = { json: { ResultCode: 0, ResultDesc: 'Success' } };
  const app = express();
  const answer =
    (script: () => ScriptedAnswer, into: ReceivedNotification[]): express.RequestHandler =>
    async (req, res) => {
      into.push({
        body: req.body as Record<string, unknown>,
        contentType: req.get('content-type'),
        at: Date.now(),
      });
      const { status = 200, json, text, delayMs = 0 } = script();
      if (delayMs > 0) await sleep(delayMs);
      if (res.destroyed) return;
      res.status(status);
      if (text !== undefined) res.type('text/plain').send(text);
      else res.json(json ?? {});
    };
  app.post(
    '/c2b/validation',
    express.json(),
    answer(() => validationAnswer, validations),
  );
  app.post(
    '/c2b/confirmation',
    express.json(),
    answer(() => confirmationAnswer, confirmations),
  );
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    validationUrl: `${base}/c2b/validation`,
    confirmationUrl: `${base}/c2b/confirmation`,
    validations,
    confirmations,
    answerValidation: (next) => {
      validationAnswer = next;
    },
    answerConfirmation: (next) => {
      confirmationAnswer = next;
    },
    async waitForConfirmations(count, timeoutMs = 3000) {
      const deadline = Date.now() + timeoutMs;
      while (confirmations.length < count && Date.now() < deadline) await sleep(10);
      return confirmations;
    },
    close: () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      return closed;
    },
  };
}

/** A token of another app the harness's directory knows. */
export async function tokenOf(harness: Harness, key: string, secret: string): Promise<string> {
  const answer = await harness.get('/oauth/v1/generate?grant_type=client_credentials', {
    Authorization: basicAuth(key, secret),
  });
  return String(answer.json.access_token);
}

export function registerBody(receiver: C2bReceiver, overrides: Record<string, unknown> = {}) {
  return {
    ShortCode: '600984',
    ResponseType: 'Completed',
    ConfirmationURL: receiver.confirmationUrl,
    ValidationURL: receiver.validationUrl,
    ...overrides,
  };
}

export function simulateBody(overrides: Record<string, unknown> = {}) {
  return {
    ShortCode: 600984,
    CommandID: 'CustomerPayBillOnline',
    Amount: 10,
    Msisdn: 254708374149,
    BillRefNumber: 'INV-9',
    ...overrides,
  };
}

/** Calls with a bearer token, as Daraja's C2B API and the simulator's settings want. */
export function asApp(harness: Harness, token: string) {
  const headers = { Authorization: `Bearer ${token}` };
  return {
    register: (body: unknown, version = 'v2'): Promise<HttpAnswer> =>
      harness.post(`/mpesa/c2b/${version}/registerurl`, body, headers),
    simulate: (body: unknown, version = 'v2'): Promise<HttpAnswer> =>
      harness.post(`/mpesa/c2b/${version}/simulate`, body, headers),
    setProductVersion: (productVersion: string) =>
      put(harness, '/__simulator/c2b/settings', { productVersion }, headers),
    setShortCode: (shortCode: string, settings: Record<string, unknown>) =>
      put(harness, `/__simulator/c2b/shortcodes/${shortCode}`, settings, headers),
    deleteUrls: async (shortCode: string) =>
      (
        await fetch(`${harness.baseUrl}/__simulator/c2b/shortcodes/${shortCode}/urls`, {
          method: 'DELETE',
          headers,
        })
      ).json() as Promise<Record<string, unknown>>,
    settings: () => harness.get('/__simulator/c2b/settings', headers),
    payments: () => harness.get('/__simulator/c2b/payments', headers),
  };
}

async function put(harness: Harness, path: string, body: unknown, headers: Record<string, string>) {
  const response = await fetch(`${harness.baseUrl}${path}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** The simulator's own "customer pays" action (no token). */
export function customerPays(harness: Harness, body: Record<string, unknown>): Promise<HttpAnswer> {
  return harness.post('/__simulator/c2b/payments', {
    shortCode: '600984',
    amount: 10,
    msisdn: '254708374149',
    billRefNumber: 'INV-9',
    ...body,
  });
}
