// The simulator inside the service (simulator mode): C2B URLs are allowed under the service's
// callback routes (any path under /api/v1/callbacks/) and under SIMULATOR_CALLBACK_ALLOWLIST,
// nowhere else; a customer payment reaches a listed receiver.
import { CALLBACKS_PREFIX } from '../../src/callbacks/callback.path';
import { SERVICE_CALLBACKS_PREFIX } from '../../src/simulator/main';
import { startTestServer, type TestServer } from '../helpers/server';
import { startC2bReceiver, type C2bReceiver } from './c2b.harness';
import { basicAuth } from './simulator.harness';

describe('C2B in the service simulator', () => {
  let server: TestServer;
  let receiver: C2bReceiver;
  let token: string;

  beforeAll(async () => {
    receiver = await startC2bReceiver();
    server = await startTestServer({
      SIMULATOR_CALLBACK_ALLOWLIST: new URL('/c2b/', receiver.confirmationUrl).href,
      SIMULATOR_C2B_VALIDATION_TIMEOUT_MS: '500',
    });
    const answer = await fetch(`${server.url}/simulator/oauth/v1/generate?grant_type=client_credentials`, {
      headers: {
        Authorization: basicAuth(server.config.mpesa.consumerKey, server.config.mpesa.consumerSecret),
      },
    });
    token = String(((await answer.json()) as { access_token: string }).access_token);
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  async function register(confirmationUrl: string, validationUrl: string) {
    const response = await fetch(`${server.url}/simulator/mpesa/c2b/v2/registerurl`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        ShortCode: server.config.mpesa.shortcode,
        ResponseType: 'Completed',
        ConfirmationURL: confirmationUrl,
        ValidationURL: validationUrl,
      }),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  }

  it("when the URLs are under the service's callback prefix, then they register (a new kind of callback route needs no allowlist)", async () => {
    expect(CALLBACKS_PREFIX).toBe(SERVICE_CALLBACKS_PREFIX);
    const answer = await register(
      `${server.url}/api/v1/callbacks/c2b/confirmation/acc_1/0f3a`,
      `${server.url}/api/v1/callbacks/c2b/validation/acc_1/0f3a`,
    );
    expect(answer).toMatchObject({ status: 200, json: { ResponseCode: '0' } });
  });

  it('when a URL is elsewhere on the service or climbs out of the prefix, then 400.003.02 names it', async () => {
    for (const url of [
      `${server.url}/api/v1/projects`,
      `${server.url}/api/v1/callbacks/c2b/../../projects`,
    ]) {
      const answer = await register(url, receiver.validationUrl);
      expect([url, answer.status, answer.json.errorMessage]).toEqual([
        url,
        400,
        'Bad Request - Invalid ConfirmationURL',
      ]);
    }
  });

  it('when the receiver is on SIMULATOR_CALLBACK_ALLOWLIST, then a customer payment is validated and confirmed there, and counted', async () => {
    expect((await register(receiver.confirmationUrl, receiver.validationUrl)).status).toBe(200);
    const settings = await fetch(
      `${server.url}/simulator/__simulator/c2b/shortcodes/${server.config.mpesa.shortcode}`,
      {
        method: 'PUT',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ externalValidation: true }),
      },
    );
    expect(settings.status).toBe(200);
    const paid = await fetch(`${server.url}/simulator/__simulator/c2b/payments`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        shortCode: server.config.mpesa.shortcode,
        amount: 75,
        msisdn: '254712345678',
        billRefNumber: 'INV-9',
      }),
    });
    const record = (await paid.json()) as Record<string, unknown>;
    expect(record).toMatchObject({
      status: 'completed',
      validation: { decision: 'accepted' },
      confirmation: { delivered: true },
    });
    expect(receiver.validations).toHaveLength(1);
    expect(receiver.confirmations.map((c) => c.body.TransAmount)).toEqual(['75.00']);
    const stats = (await (await fetch(`${server.url}/simulator/__simulator/stats`)).json()) as Record<
      string,
      number
    >;
    expect(stats).toMatchObject({
      c2bRegistrations: 4,
      c2bPayments: 1,
      c2bValidationsSent: 1,
      c2bConfirmationsSent: 1,
    });
  });
});
