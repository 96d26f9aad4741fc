// MpesaService against Daraja-shaped HTTP servers on real ports. The standalone simulator
// covers the normal answers; a small hand-written server covers what the simulator does not
// do on purpose (a numeric expires_in, an answer that never comes, a refused connection).
import express from 'express';
import fixtures from '../fixtures/daraja-fixtures.json';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { createMpesaService } from '../../src/mpesa/mpesa.service';
import { startSimulatorServer } from '../../src/simulator/main';
import { listenOnLoopback } from '../helpers/fake-daraja';

const config = loadConfig({ MPESA_TIMEOUT_MS: '300' });
const logger = createLogger(config, true);
const push = { phone: '254712345678', amount: 10, channel: 'paybill' as const, accountReference: 'INV1', description: 'Test', callbackUrl: 'http://127.0.0.1:9/cb' };


describe('MpesaService with the simulator', () => {
  let simulator: Awaited<ReturnType<typeof startSimulatorServer>>;
  beforeAll(async () => {
    simulator = await startSimulatorServer({
      port: 0,
      host: '127.0.0.1',
      consumerKey: config.mpesa.consumerKey,
      consumerSecret: config.mpesa.consumerSecret,
      shortcodes: { [config.mpesa.shortcode]: config.mpesa.passkey },
      callbackDelayMs: 60_000,
      lateCallbackMs: 60_000,
      logger,
    });
  });
  afterAll(() => simulator.close());

  it('when 500 pushes start at once on a cold token cache, then one OAuth call serves them all', async () => {
    const mpesa = createMpesaService({ config: { ...config.mpesa, timeoutMs: 10_000 }, baseUrl: simulator.url, logger });
    const results = await Promise.all(Array.from({ length: 500 }, () => mpesa.stkPush(push)));
    expect(results.every((result) => result.kind === 'accepted')).toBe(true);
    expect(mpesa.oauthCallCount()).toBe(1);
  });

  it('when the token is refused mid-flight (404.001.03), then it fetches a new token and the push succeeds once', async () => {
    const mpesa = createMpesaService({ config: config.mpesa, baseUrl: simulator.url, logger });
    const result = await mpesa.stkPush({ ...push, phone: '254700000010' });
    expect(result.kind).toBe('accepted');
    expect(mpesa.oauthCallCount()).toBe(2);
  });

  it('when the consumer secret is wrong, then the push is rejected as mpesa_credentials_rejected', async () => {
    const mpesa = createMpesaService({ config: { ...config.mpesa, consumerSecret: 'wrong' }, baseUrl: simulator.url, logger });
    const result = await mpesa.stkPush(push);
    expect(result).toMatchObject({ kind: 'rejected', error: { code: 'mpesa_credentials_rejected' } });
  });

  it('when the passkey is wrong, then Daraja says Wrong credentials and the code keeps it in details', async () => {
    const mpesa = createMpesaService({ config: { ...config.mpesa, passkey: 'not-the-passkey' }, baseUrl: simulator.url, logger });
    const result = await mpesa.stkPush(push);
    expect(result).toMatchObject({
      kind: 'rejected',
      error: { code: 'mpesa_credentials_rejected', details: { darajaErrorCode: '500.001.1001', darajaMessage: 'Wrong credentials' } },
    });
  });

  it('when querying a push still in progress, then it is pending (4999)', async () => {
    const mpesa = createMpesaService({ config: config.mpesa, baseUrl: simulator.url, logger });
    const result = await mpesa.stkPush(push);
    if (result.kind !== 'accepted') throw new Error(`push not accepted: ${result.kind}`);
    await expect(mpesa.stkQuery(result.checkoutRequestId)).resolves.toEqual({ kind: 'pending', reason: 'in_progress' });
  });
});

describe('MpesaService against other Daraja answers', () => {
  it('when expires_in is a number (Daraja 3.0 docs), then the token is used', async () => {
    const seen: string[] = [];
    const app = express();
    app.get('/oauth/v1/generate', (_req, res) => {
      res.json(fixtures.oauth_success_daraja3_doc_numeric_expires_in.body);
    });
    app.post('/mpesa/stkpush/v1/processrequest', (req, res) => {
      seen.push(req.get('authorization') ?? '');
      res.json(fixtures.stk_push_ack_observed_2026_sandbox.body);
    });
    const fake = await listenOnLoopback(app);
    try {
      const mpesa = createMpesaService({ config: config.mpesa, baseUrl: fake.url, logger });
      const result = await mpesa.stkPush(push);
      expect(result).toMatchObject({ kind: 'accepted', checkoutRequestId: 'ws_CO_170820261404032708374149', customerMessage: null });
      expect(seen).toEqual([`Bearer ${fixtures.oauth_success_daraja3_doc_numeric_expires_in.body.access_token}`]);
    } finally {
      await fake.close();
    }
  });

  it('when the push answer never comes, then the outcome is unknown and the push is not resent', async () => {
    let pushes = 0;
    const app = express();
    app.get('/oauth/v1/generate', (_req, res) => {
      res.json({ access_token: 'abc', expires_in: '3599' });
    });
    app.post('/mpesa/stkpush/v1/processrequest', () => {
      pushes += 1; // never answers
    });
    const fake = await listenOnLoopback(app);
    try {
      const mpesa = createMpesaService({ config: config.mpesa, baseUrl: fake.url, logger });
      const result = await mpesa.stkPush(push);
      expect(result.kind).toBe('unknown');
      expect(pushes).toBe(1);
    } finally {
      await fake.close();
    }
  });

  it('when nothing listens at the base URL, then the push is rejected as mpesa_unavailable (it never left)', async () => {
    const fake = await listenOnLoopback(express());
    const url = fake.url;
    await fake.close();
    const mpesa = createMpesaService({ config: config.mpesa, baseUrl: url, logger });
    const result = await mpesa.stkPush(push);
    expect(result).toMatchObject({ kind: 'rejected', error: { code: 'mpesa_unavailable' } });
  });
});
