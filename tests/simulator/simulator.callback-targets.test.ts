// The built-in simulator posts callbacks only to this service's own callback routes (or an
// allowlist), never to any CallBackURL a caller names: with simulator mode's public default
// credentials that would make the service POST wherever its network reaches (issue 18 E3).
import { loadConfig } from '../../src/config';
import { callbackTargets, targetFromUrl } from '../../src/simulator/simulator.callback-targets';
import { SERVICE_CALLBACKS_PREFIX, standaloneCallbackTargets } from '../../src/simulator/main';
import { CALLBACK_PATHS } from '../../src/callbacks/callback.path';
import { startTestServer, type TestServer } from '../helpers/server';
import {
  basicAuth,
  PASSKEY,
  SHORTCODE,
  startCallbackReceiver,
  startHarness,
  stkPushBody,
  type CallbackReceiver,
} from './simulator.harness';
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

async function simulatorStats(server: TestServer) {
  return (await (await fetch(`${server.url}/simulator/__simulator/stats`)).json()) as {
    callbacksSent: number;
  };
}

describe('POST /simulator/mpesa/stkpush/v1/processrequest (simulator mode, default credentials)', () => {
  let server: TestServer;
  let receiver: CallbackReceiver;
  beforeAll(async () => {
    server = await startTestServer();
    receiver = await startCallbackReceiver();
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  async function pushWith(callbackUrl: string) {
    const token = (await (
      await fetch(`${server.url}/simulator/oauth/v1/generate?grant_type=client_credentials`, {
        headers: {
          Authorization: basicAuth(server.config.mpesa.consumerKey, server.config.mpesa.consumerSecret),
        },
      })
    ).json()) as { access_token: string };
    expect([server.config.mpesa.shortcode, server.config.mpesa.passkey]).toEqual([SHORTCODE, PASSKEY]);
    const response = await fetch(`${server.url}/simulator/mpesa/stkpush/v1/processrequest`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token.access_token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(stkPushBody(callbackUrl)),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('when the CallBackURL is another server (an internal address), then the push is refused as an invalid CallBackURL and nothing is posted', async () => {
    const before = await simulatorStats(server);
    const answer = await pushWith(receiver.url);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      errorCode: '400.002.02',
      errorMessage: 'Bad Request - Invalid CallBackURL',
    });
    expect((await simulatorStats(server)).callbacksSent).toBe(before.callbacksSent);
    expect(receiver.callbacks).toHaveLength(0);
  });

  it('when the CallBackURL is this service but not its callback route (or climbs out of it), then it is refused too', async () => {
    for (const url of [
      `${server.url}/api/v1/projects`,
      `${server.url}/api/v1/callbacks/stk/../../projects`,
      `${server.url}/api/v1/callbacks/stk/%2e%2e/%2e%2e/projects`,
      `${server.url.replace('http://', 'http://user:pw@')}/api/v1/callbacks/stk/x/y`,
    ]) {
      expect([url, (await pushWith(url)).status]).toEqual([url, 400]);
    }
  });

  it("when the CallBackURL is this service's callback route, then it is accepted (the service's own payments)", async () => {
    const answer = await pushWith(`${server.url}/api/v1/callbacks/stk/tx_unknown/token`);
    expect(answer.status).toBe(200);
    expect(answer.body.ResponseCode).toBe('0');
  });
});

describe('SIMULATOR_CALLBACK_ALLOWLIST', () => {
  it('when a URL prefix is listed, then a receiver under it is allowed and one beside it is not', () => {
    const config = loadConfig({
      SIMULATOR_CALLBACK_ALLOWLIST: 'https://shop.example/mpesa/,http://10.0.0.7:8080/cb/',
    });
    const targets = callbackTargets(config.simulator.callbackAllowlist.map(targetFromUrl));
    expect(targets.allows('https://shop.example/mpesa/stk/1')).toBe(true);
    expect(targets.allows('http://10.0.0.7:8080/cb/1')).toBe(true);
    expect(targets.allows('https://shop.example/admin')).toBe(false);
    expect(targets.allows('https://shop.example.evil/mpesa/1')).toBe(false);
    expect(targets.allows('http://10.0.0.7:8081/cb/1')).toBe(false);
  });

  it('when an entry is not an http(s) URL, then the configuration is refused naming the variable', () => {
    expect(() => loadConfig({ SIMULATOR_CALLBACK_ALLOWLIST: 'file:///etc/passwd' })).toThrow(
      /SIMULATOR_CALLBACK_ALLOWLIST/,
    );
  });

  it('when the standalone simulator runs, then it posts to callback routes on this machine or under CALLBACK_BASE_URL only', () => {
    const targets = standaloneCallbackTargets(loadConfig({ CALLBACK_BASE_URL: 'http://172.30.0.2:8080' }));
    expect(targets.allows('http://127.0.0.1:3000/api/v1/callbacks/stk/tx/t')).toBe(true);
    expect(targets.allows('http://172.30.0.2:8080/api/v1/callbacks/stk/tx/t')).toBe(true);
    expect(targets.allows('http://127.0.0.1:6379/')).toBe(false);
    expect(targets.allows('http://169.254.169.254/latest/meta-data/')).toBe(false);
    // The prefix it names is where the service's callback routes really are.
    for (const path of CALLBACK_PATHS) expect(`${path}/`.startsWith(SERVICE_CALLBACKS_PREFIX)).toBe(true);
  });
});

describe('simulator callbacks and redirects', () => {
  it('when an allowed receiver answers with a redirect elsewhere, then the simulator does not follow it', async () => {
    const elsewhere = await startCallbackReceiver();
    const app = express();
    app.post('/callbacks', (_req, res) => res.redirect(307, elsewhere.url));
    const redirector = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    const redirectorUrl = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}/callbacks`;
    const harness = await startHarness({ callbackTargets: callbackTargets([targetFromUrl(redirectorUrl)]) });
    try {
      const push = await harness.push(stkPushBody(redirectorUrl));
      expect(push.status).toBe(200);
      // The redirector answered (the POST was made); then wait as long again: nothing followed.
      const posted = await harness.waitForStats((stats) => stats.callbacksSent === 1);
      expect(posted).toBe(true);
      expect(await harness.waitForCallbacks(String(push.json.CheckoutRequestID), 1, 300)).toHaveLength(0);
      expect(elsewhere.callbacks).toHaveLength(0);
    } finally {
      await harness.close();
      await elsewhere.close();
      const closed = new Promise((resolve) => redirector.close(resolve));
      redirector.closeAllConnections();
      await closed;
    }
  });
});

describe('simulator mode listens on this machine only', () => {
  it('when HOST is not set in simulator mode, then the service binds 127.0.0.1; sandbox and production keep 0.0.0.0; HOST wins', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(
      loadConfig({
        MPESA_ENVIRONMENT: 'sandbox',
        MASTER_KEY: 'a'.repeat(64),
        ADMIN_TOKEN: 'admin-token-long-enough-123',
        MPESA_CONSUMER_KEY: 'k',
        MPESA_CONSUMER_SECRET: 's',
        MPESA_SHORTCODE: '174379',
        MPESA_PASSKEY: 'p',
        CALLBACK_BASE_URL: 'https://pay.example.co.ke',
      }).host,
    ).toBe('0.0.0.0');
  });
});
