// MpesaService against Daraja-shaped HTTP servers on real ports. The standalone simulator
// covers the normal answers; a small hand-written server covers what the simulator does not
// do on purpose (a numeric expires_in, an answer that never comes, a refused connection).
import { Writable } from 'node:stream';
import express from 'express';
import winston from 'winston';
import fixtures from '../fixtures/daraja-fixtures.json';
import { loadConfig, type Config } from '../../src/config';
import { createLogger } from '../../src/logger';
import { createMpesaService } from '../../src/mpesa/mpesa.service';
import { startSimulatorServer } from '../../src/simulator/main';
import { configuredDirectory } from '../../src/simulator/simulator';
import { callbackTargets } from '../../src/simulator/simulator.callback-targets';
import { drip, hugeBody, listenOnLoopback, startFakeDaraja } from '../helpers/fake-daraja';

const config = loadConfig({ MPESA_TIMEOUT_MS: '300' });
const logger = createLogger(config, true);
const push = {
  phone: '254712345678',
  amount: 10,
  channel: 'paybill' as const,
  accountReference: 'INV1',
  description: 'Test',
  callbackUrl: 'http://127.0.0.1:9/cb',
};

/** The Daraja client of an account (its app), with the account's own shortcode and passkey on every call. */
function serviceFor(account: Config['mpesa'], baseUrl: string, log = logger) {
  const client = createMpesaService({ app: account, baseUrl, timeoutMs: account.timeoutMs, logger: log });
  return {
    ...client,
    stkPush: (input: typeof push) =>
      client.stkPush({ ...account, tillNumber: account.tillNumber ?? null }, input),
    stkQuery: (checkoutRequestId: string) => client.stkQuery(account, checkoutRequestId),
  };
}

describe('MpesaService with the simulator', () => {
  let simulator: Awaited<ReturnType<typeof startSimulatorServer>>;
  beforeAll(async () => {
    simulator = await startSimulatorServer({
      port: 0,
      host: '127.0.0.1',
      directory: configuredDirectory(config),
      callbackDelayMs: 60_000,
      lateCallbackMs: 60_000,
      logger,
      callbackTargets: callbackTargets([{ origin: 'loopback', pathPrefix: '/' }]),
    });
  });
  afterAll(() => simulator.close());

  it('when 500 pushes start at once on a cold token cache, then one OAuth call serves them all', async () => {
    const mpesa = serviceFor({ ...config.mpesa, timeoutMs: 10_000 }, simulator.url);
    const results = await Promise.all(Array.from({ length: 500 }, () => mpesa.stkPush(push)));
    expect(results.every((result) => result.kind === 'accepted')).toBe(true);
    expect(mpesa.oauthCallCount()).toBe(1);
  });

  it('when the token is refused mid-flight (404.001.03), then it fetches a new token and the push succeeds once', async () => {
    const mpesa = serviceFor(config.mpesa, simulator.url);
    const result = await mpesa.stkPush({ ...push, phone: '254700000010' });
    expect(result.kind).toBe('accepted');
    expect(mpesa.oauthCallCount()).toBe(2);
  });

  it('when the consumer secret is wrong, then the push is rejected as mpesa_credentials_rejected', async () => {
    const mpesa = serviceFor({ ...config.mpesa, consumerSecret: 'wrong' }, simulator.url);
    const result = await mpesa.stkPush(push);
    expect(result).toMatchObject({ kind: 'rejected', error: { code: 'mpesa_credentials_rejected' } });
  });

  it('when the passkey is wrong, then Daraja says Wrong credentials and the code keeps it in details', async () => {
    const mpesa = serviceFor({ ...config.mpesa, passkey: 'not-the-passkey' }, simulator.url);
    const result = await mpesa.stkPush(push);
    expect(result).toMatchObject({
      kind: 'rejected',
      error: {
        code: 'mpesa_credentials_rejected',
        details: { darajaErrorCode: '500.001.1001', darajaMessage: 'Wrong credentials' },
      },
    });
  });

  it('when querying a push still in progress, then it is pending (4999)', async () => {
    const mpesa = serviceFor(config.mpesa, simulator.url);
    const result = await mpesa.stkPush(push);
    if (result.kind !== 'accepted') throw new Error(`push not accepted: ${result.kind}`);
    await expect(mpesa.stkQuery(result.checkoutRequestId)).resolves.toEqual({
      kind: 'pending',
      reason: 'in_progress',
    });
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
      const mpesa = serviceFor(config.mpesa, fake.url);
      const result = await mpesa.stkPush(push);
      expect(result).toMatchObject({
        kind: 'accepted',
        checkoutRequestId: 'ws_CO_170820261404032708374149',
        customerMessage: null,
      });
      expect(seen).toEqual([
        `Bearer ${fixtures.oauth_success_daraja3_doc_numeric_expires_in.body.access_token}`,
      ]);
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
      const mpesa = serviceFor(config.mpesa, fake.url);
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
    const mpesa = serviceFor(config.mpesa, url);
    const result = await mpesa.stkPush(push);
    expect(result).toMatchObject({ kind: 'rejected', error: { code: 'mpesa_unavailable' } });
  });
});

describe('MpesaService when Daraja answers badly', () => {
  const servers: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
  const fake = async (script: Parameters<typeof startFakeDaraja>[0]) => {
    const daraja = await startFakeDaraja(script);
    servers.push(daraja);
    return { daraja, mpesa: serviceFor(config.mpesa, daraja.url) };
  };

  it('when the push is answered 200 with a body that is not Daraja’s, then the outcome is unknown and nothing is resent', async () => {
    const { daraja, mpesa } = await fake({
      push: (_req, res) => void res.status(200).type('text/html').send('<html>proxy says hi</html>'),
    });
    await expect(mpesa.stkPush(push)).resolves.toMatchObject({ kind: 'unknown' });
    expect(daraja.calls.push).toBe(1);
  });

  it('when the push answer drips one byte at a time, then the deadline cuts it: unknown, and not resent', async () => {
    // MPESA_TIMEOUT_MS is 300 here; an idle timeout would never fire on a body that keeps moving.
    const { daraja, mpesa } = await fake({ push: (_req, res) => drip(res) });
    await expect(mpesa.stkPush(push)).resolves.toMatchObject({
      kind: 'unknown',
      reason: expect.stringContaining('within 300 ms'),
    });
    expect(daraja.calls.push).toBe(1);
  });

  it('when the token answer drips, then the push is rejected as mpesa_unavailable without being sent', async () => {
    const { daraja, mpesa } = await fake({ oauth: (_req, res) => drip(res) });
    await expect(mpesa.stkPush(push)).resolves.toMatchObject({
      kind: 'rejected',
      error: { code: 'mpesa_unavailable' },
    });
    expect(daraja.calls.push).toBe(0);
  });

  it('when the push answer is 40 MB, then it is cut while streaming (not buffered) and the outcome is unknown', async () => {
    const TOTAL = 40 * 1024 * 1024;
    let sending: ReturnType<typeof hugeBody> | undefined;
    const { mpesa } = await fake({ push: (_req, res) => void (sending = hugeBody(res, TOTAL)) });
    await expect(mpesa.stkPush(push)).resolves.toMatchObject({ kind: 'unknown' });
    await sending!.closed;
    // What left the server before we hung up: the size cap plus what socket buffers hold.
    expect(sending!.written()).toBeLessThan(TOTAL / 4);
  });

  // A query that fails throws mpesa_unavailable: reconciliation asks again later, nothing settles.
  it('when the STK Query answer drips, then the deadline cuts it: mpesa_unavailable, nothing final', async () => {
    const { daraja, mpesa } = await fake({ query: (_req, res) => drip(res) });
    // The drip never ends: without the total deadline this would hang until jest's timeout.
    await expect(mpesa.stkQuery('ws_CO_MINE')).rejects.toMatchObject({ code: 'mpesa_unavailable' });
    expect(daraja.calls.query).toBe(1);
  });

  it('when four token answers of 40 MB come at once, then each is cut while streaming and the push is not sent', async () => {
    const TOTAL = 40 * 1024 * 1024;
    const sending: Array<ReturnType<typeof hugeBody>> = [];
    // Four services, four cold caches: four token calls in flight together.
    const darajas = await Promise.all(
      Array.from({ length: 4 }, () =>
        fake({ oauth: (_req, res) => void sending.push(hugeBody(res, TOTAL)) }),
      ),
    );
    const outcomes = await Promise.all(darajas.map(({ mpesa }) => mpesa.stkPush(push)));
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
    await Promise.all(sending.map((body) => body.closed));
    for (const body of sending) expect(body.written()).toBeLessThan(TOTAL / 4);
    expect(darajas.map(({ daraja }) => daraja.calls.push)).toEqual([0, 0, 0, 0]);
  });

  it('when the STK Query answer is 40 MB, then it is cut while streaming: mpesa_unavailable, nothing final', async () => {
    const TOTAL = 40 * 1024 * 1024;
    let sending: ReturnType<typeof hugeBody> | undefined;
    const { mpesa } = await fake({ query: (_req, res) => void (sending = hugeBody(res, TOTAL)) });
    await expect(mpesa.stkQuery('ws_CO_MINE')).rejects.toMatchObject({ code: 'mpesa_unavailable' });
    await sending!.closed;
    expect(sending!.written()).toBeLessThan(TOTAL / 4);
  });

  it('when the token is refused with the older 401.002.01, then one new token is fetched and the push is sent once more', async () => {
    const legacy = (fixtures.stk_push_error_invalid_access_token_legacy_401 as { body: unknown }).body;
    const { daraja, mpesa } = await fake({
      push: (_req, res, n) =>
        n === 1 ? void res.status(401).json(legacy) : void res.json(fixtures.stk_push_ack_daraja3_doc.body),
    });
    await expect(mpesa.stkPush(push)).resolves.toMatchObject({ kind: 'accepted' });
    expect(daraja.calls).toMatchObject({ oauth: 2, push: 2 });
  });

  it('when an STK Query answer names another CheckoutRequestID, then it is ignored (no answer this time) and logged', async () => {
    const { logger: capturing, lines } = capturingLogger();
    const daraja = await startFakeDaraja({
      query: (_req, res) =>
        void res.json({
          ...fixtures.stk_query_response_success_doc.body,
          CheckoutRequestID: 'ws_CO_SOMEONE_ELSE',
        }),
    });
    servers.push(daraja);
    const mpesa = serviceFor(config.mpesa, daraja.url, capturing);
    await expect(mpesa.stkQuery('ws_CO_MINE')).resolves.toEqual({ kind: 'pending', reason: 'no_answer' });
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({
        level: 'warn',
        message: expect.stringContaining('another CheckoutRequestID'),
        asked: 'ws_CO_MINE',
        answered: 'ws_CO_SOMEONE_ELSE',
      }),
    ]);
  });

  it('when an STK Query answer is about the payment asked, then its ResultCode is final', async () => {
    const { mpesa } = await fake({
      query: (_req, res) =>
        void res.json({ ...fixtures.stk_query_response_success_doc.body, CheckoutRequestID: 'ws_CO_MINE' }),
    });
    await expect(mpesa.stkQuery('ws_CO_MINE')).resolves.toMatchObject({ kind: 'final', resultCode: '0' });
  });
});

function capturingLogger() {
  const lines: string[] = [];
  const capturing = createLogger({ log: { level: 'warn', format: 'json' } });
  capturing.clear();
  capturing.add(
    new winston.transports.Stream({
      stream: new Writable({
        write: (chunk, _encoding, done) => {
          lines.push(String(chunk));
          done();
        },
      }),
    }),
  );
  return { logger: capturing, lines };
}
