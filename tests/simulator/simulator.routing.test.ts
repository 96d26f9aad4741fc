import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createSimulator, type Simulator } from '../../src/simulator/simulator';
import { staticDirectory } from '../../src/simulator/simulator.directory';
import { emptyC2bStats } from '../../src/simulator/simulator.c2b-payments';
import { Writable } from 'node:stream';
import winston from 'winston';
import { createLogger } from '../../src/logger';
import {
  basicAuth,
  darajaPassword,
  CALLBACK_DELAY_MS,
  CONSUMER_KEY,
  CONSUMER_SECRET,
  HEX_GROUP_ID,
  PASSKEY,
  SHORTCODE,
  TILL,
  silentLogger,
  sleep,
  startCallbackReceiver,
  startHarness,
  stkPushBody,
  LOOPBACK_RECEIVERS,
  type Harness,
} from './simulator.harness';

describe('simulator routing', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness.close();
  });

  it('when the path is not a Daraja path, then it answers 404 404.001.01 "Resource not found"', async () => {
    const answer = await harness.post('/mpesa/stkpush/v2/processrequest', {});

    expect(answer.status).toBe(404);
    expect(answer.json).toEqual({
      requestId: expect.stringMatching(HEX_GROUP_ID),
      errorCode: '404.001.01',
      errorMessage: 'Resource not found',
    });
  });

  it.each([
    ['GET', '/mpesa/stkpush/v1/processrequest'],
    ['GET', '/mpesa/stkpushquery/v1/query'],
    ['POST', '/oauth/v1/generate'],
  ])('when %s is sent to %s, then it answers 405 405.001 "Method Not Allowed"', async (method, path) => {
    const response = await fetch(`${harness.baseUrl}${path}`, { method });

    expect(response.status).toBe(405);
    expect(await response.json()).toEqual({
      requestId: expect.stringMatching(HEX_GROUP_ID),
      errorCode: '405.001',
      errorMessage: 'Method Not Allowed',
    });
  });
});

describe('simulator stats', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness.close();
  });

  it('when calls are made, then GET /__simulator/stats counts every OAuth call, push, query and posted callback', async () => {
    expect((await harness.get('/__simulator/stats')).json).toEqual({
      oauthCalls: 0,
      stkPushes: 0,
      stkQueries: 0,
      stkQueryPeakPerSecond: 0,
      callbacksSent: 0,
      nonEatTimestamps: 0,
      b2cRequests: 0,
      b2bRequests: 0,
      reversalRequests: 0,
      accountBalanceQueries: 0,
      transactionStatusQueries: 0,
      resultsSent: 0,
      ...emptyC2bStats(),
    });

    const token = await harness.fetchToken();
    await harness.get('/oauth/v1/generate'); // refused, still counted
    const accepted = await harness.push(stkPushBody(harness.callbackUrl), token);
    await harness.push(stkPushBody(harness.callbackUrl, { Amount: 0 }), token); // refused, still counted
    await harness.query(String(accepted.json.CheckoutRequestID), token);
    await harness.waitForCallbacks(String(accepted.json.CheckoutRequestID), 1);

    expect((await harness.get('/__simulator/stats')).json).toEqual({
      oauthCalls: 2,
      stkPushes: 2,
      stkQueries: 1,
      stkQueryPeakPerSecond: 1,
      callbacksSent: 1,
      nonEatTimestamps: 0,
      b2cRequests: 0,
      b2bRequests: 0,
      reversalRequests: 0,
      accountBalanceQueries: 0,
      transactionStatusQueries: 0,
      resultsSent: 0,
      ...emptyC2bStats(),
    });
  });
});

describe('simulator Timestamp in another zone', () => {
  it('when a push and a query carry a UTC Timestamp, then both are accepted, counted in stats and logged with the offset', async () => {
    const lines: string[] = [];
    const logger = createLogger({ log: { level: 'warn', format: 'json' } }, false);
    logger.clear();
    logger.add(
      new winston.transports.Stream({
        stream: new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }),
      }),
    );
    const harness = await startHarness({ logger });
    try {
      const utc = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
      const pushed = await harness.push(
        stkPushBody(harness.callbackUrl, {
          Timestamp: utc,
          Password: darajaPassword(SHORTCODE, PASSKEY, utc),
        }),
      );
      expect(pushed.status).toBe(200);
      await harness.push(stkPushBody(harness.callbackUrl)); // East Africa Time: not counted
      await harness.query(String(pushed.json.CheckoutRequestID), undefined, {
        Timestamp: utc,
        Password: darajaPassword(SHORTCODE, PASSKEY, utc),
      });
      expect((await harness.get('/__simulator/stats')).json).toMatchObject({ nonEatTimestamps: 2 });
      const warned = lines
        .map((line) => JSON.parse(line))
        .filter((line) => /not East Africa Time/.test(line.message));
      expect(warned.map((line) => [line.call, line.offsetHours])).toEqual([
        ['stkPush', -3],
        ['stkQuery', -3],
      ]);
    } finally {
      await harness.close();
    }
  });
});

describe('simulator mounted inside another app', () => {
  let simulator: Simulator;
  let server: Server;
  let baseUrl: string;
  beforeAll(async () => {
    simulator = createSimulator({
      directory: staticDirectory([{ consumerKey: CONSUMER_KEY, consumerSecret: CONSUMER_SECRET }], {
        [SHORTCODE]: { passkey: PASSKEY, tills: [TILL] },
      }),
      callbackDelayMs: CALLBACK_DELAY_MS,
      lateCallbackMs: 300,
      logger: silentLogger,
      callbackTargets: LOOPBACK_RECEIVERS,
    });
    const host = express();
    host.use('/simulator', simulator.router);
    // The host's own error shape must never leak into Daraja answers.
    host.use((_error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(418).json({ error: { code: 'HOST' } });
    });
    server = await new Promise<Server>((resolve) => {
      const listening = host.listen(0, '127.0.0.1', () => resolve(listening));
    });
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/simulator`;
  });
  afterAll(async () => {
    simulator.stop();
    const closed = new Promise((resolve) => server.close(resolve));
    server.closeAllConnections();
    await closed;
  });

  async function tokenFromMounted(): Promise<string> {
    const response = await fetch(`${baseUrl}/oauth/v1/generate?grant_type=client_credentials`, {
      headers: { Authorization: basicAuth(CONSUMER_KEY, CONSUMER_SECRET) },
    });
    return ((await response.json()) as { access_token: string }).access_token;
  }

  it('when mounted at /simulator, then Daraja paths are served under it', async () => {
    expect((await tokenFromMounted()).length).toBe(28);
  });

  it("when malformed JSON arrives, then the router answers in Daraja's shape, not the host's", async () => {
    const response = await fetch(`${baseUrl}/mpesa/stkpush/v1/processrequest`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${await tokenFromMounted()}`, 'Content-Type': 'application/json' },
      body: '{not json',
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      errorCode: '400.002.05',
      errorMessage: 'Invalid Request Payload',
    });
  });
});

describe('simulator stop', () => {
  it('when stopped with callbacks pending, then none of them is posted', async () => {
    const receiver = await startCallbackReceiver();
    const simulator = createSimulator({
      directory: staticDirectory([{ consumerKey: CONSUMER_KEY, consumerSecret: CONSUMER_SECRET }], {
        [SHORTCODE]: { passkey: PASSKEY, tills: [TILL] },
      }),
      callbackDelayMs: 100,
      lateCallbackMs: 100,
      logger: silentLogger,
      callbackTargets: LOOPBACK_RECEIVERS,
    });
    const host = express().use(simulator.router);
    const server = await new Promise<Server>((resolve) => {
      const listening = host.listen(0, '127.0.0.1', () => resolve(listening));
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const oauth = await fetch(`${base}/oauth/v1/generate?grant_type=client_credentials`, {
        headers: { Authorization: basicAuth(CONSUMER_KEY, CONSUMER_SECRET) },
      });
      const { access_token: token } = (await oauth.json()) as { access_token: string };
      for (const phone of [254712345678, 254700000006]) {
        const push = await fetch(`${base}/mpesa/stkpush/v1/processrequest`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify(stkPushBody(receiver.url, { PhoneNumber: phone })),
        });
        expect(push.status).toBe(200);
      }

      simulator.stop();
      await sleep(300);

      // The receiver stayed up: nothing arrived because nothing was posted.
      expect(receiver.callbacks).toHaveLength(0);
      expect(simulator.stats().callbacksSent).toBe(0);
    } finally {
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await closed;
      await receiver.close();
    }
  });
});
