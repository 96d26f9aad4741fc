// The webhook endpoints API: signed CRUD, secrets shown once, per-project isolation, and the
// SSRF guard of production mode.
import os from 'node:os';
import dns from 'node:dns';
import { startTestServer, type TestServer } from '../helpers/server';
import { merchantFor, type MerchantRequest } from '../helpers/merchant';
import { expectError } from '../helpers/http-edges';

describe('webhook endpoints API (simulator mode)', () => {
  let server: TestServer;
  let merchant: MerchantRequest;
  beforeAll(async () => {
    server = await startTestServer();
    merchant = await merchantFor(server);
  });
  afterAll(() => server.close());

  it('when an endpoint is created, changed, disabled and deleted, then each answer shows its state and never a secret after creation', async () => {
    const created = await merchant({
      method: 'POST',
      path: '/api/v1/webhook-endpoints',
      body: { url: 'http://127.0.0.1:9/hooks', description: 'Orders' },
    });
    expect(created.status).toBe(201);
    expect(created.data.endpoint).toMatchObject({
      url: 'http://127.0.0.1:9/hooks',
      description: 'Orders',
      eventTypes: ['*'],
      enabled: true,
      disabledReason: null,
    });
    const { id } = created.data.endpoint;
    expect(id).toMatch(/^we_/);

    const listed = await merchant({ method: 'GET', path: '/api/v1/webhook-endpoints' });
    expect(listed.data.data.map((endpoint: { id: string }) => endpoint.id)).toEqual([id]);
    expect(JSON.stringify(listed.data)).not.toMatch(/whsec_|secretEnc|"secret"/);

    const changed = await merchant({
      method: 'PATCH',
      path: `/api/v1/webhook-endpoints/${id}`,
      body: { eventTypes: ['transaction.completed'], description: null },
    });
    expect(changed.data.endpoint).toMatchObject({ eventTypes: ['transaction.completed'], description: null });
    const disabled = await merchant({
      method: 'PATCH',
      path: `/api/v1/webhook-endpoints/${id}`,
      body: { enabled: false },
    });
    expect(disabled.data.endpoint).toMatchObject({ enabled: false, disabledReason: 'manual' });

    // Another project cannot see or touch it.
    const stranger = await merchantFor(server);
    expectError(
      await stranger({ method: 'GET', path: `/api/v1/webhook-endpoints/${id}` }),
      404,
      'webhook_endpoint_not_found',
    );
    expectError(
      await stranger({ method: 'DELETE', path: `/api/v1/webhook-endpoints/${id}` }),
      404,
      'webhook_endpoint_not_found',
    );

    const deleted = await merchant({ method: 'DELETE', path: `/api/v1/webhook-endpoints/${id}` });
    expect(deleted.status).toBe(204);
    expectError(
      await merchant({ method: 'GET', path: `/api/v1/webhook-endpoints/${id}` }),
      404,
      'webhook_endpoint_not_found',
    );
    expect((await merchant({ method: 'GET', path: '/api/v1/webhook-endpoints' })).data.data).toEqual([]);
  });

  it('when the input is wrong, then the error names the field with a stable code', async () => {
    expectError(
      await merchant({
        method: 'POST',
        path: '/api/v1/webhook-endpoints',
        body: { url: 'http://127.0.0.1:9/x', eventTypes: ['payment.done'] },
      }),
      400,
      'validation_failed',
    );
    expectError(
      await merchant({
        method: 'POST',
        path: '/api/v1/webhook-endpoints',
        body: { url: 'http://127.0.0.1:9/x', eventTypes: [] },
      }),
      400,
      'validation_failed',
    );
    expectError(
      await merchant({ method: 'POST', path: '/api/v1/webhook-endpoints', body: {} }),
      400,
      'validation_failed',
    );
    expectError(
      await merchant({ method: 'POST', path: '/api/v1/webhook-endpoints', body: { url: 'not a url' } }),
      422,
      'webhook_url_refused',
    );
    expectError(
      await merchant({
        method: 'POST',
        path: '/api/v1/webhook-endpoints',
        body: { url: 'ftp://example.com/x' },
      }),
      422,
      'webhook_url_refused',
    );
    expectError(
      await merchant({
        method: 'POST',
        path: '/api/v1/webhook-endpoints',
        body: { url: 'https://user:pass@example.com/x' },
      }),
      422,
      'webhook_url_refused',
    );
    expectError(
      await merchant({ method: 'PATCH', path: '/api/v1/webhook-endpoints/we_0', body: {} }),
      400,
      'validation_failed',
    );
    expectError(
      await merchant({ method: 'GET', path: '/api/v1/webhook-endpoints/nope' }),
      400,
      'validation_failed',
    );
    expectError(await merchant({ method: 'GET', path: '/api/v1/events/evt_0' }), 404, 'event_not_found');
    expectError(
      await merchant({ method: 'GET', path: '/api/v1/events?type=nope' }),
      400,
      'validation_failed',
    );
    expectError(
      await merchant({
        method: 'POST',
        path: '/api/v1/webhook-endpoints/we_0/redeliver-failed',
        body: { since: 'yesterday' },
      }),
      400,
      'validation_failed',
    );
  });

  it('when the request is not signed, then the webhooks API refuses it like the rest of the merchant API', async () => {
    const response = await fetch(`${server.url}/api/v1/webhook-endpoints`);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('signature_missing');
  });
});

/** This host's own non-loopback addresses, as URL hosts. */
function ownInterfaceAddresses(): string[] {
  return Object.values(os.networkInterfaces())
    .flatMap((entries) => entries ?? [])
    .filter((entry) => !entry.internal)
    .map((entry) => (entry.family === 'IPv6' ? `[${entry.address.split('%')[0]}]` : entry.address));
}

describe('SSRF guard outside simulator mode, even with NODE_ENV=development', () => {
  let server: TestServer;
  let merchant: MerchantRequest;
  beforeAll(async () => {
    server = await startTestServer({
      NODE_ENV: 'development',
      MPESA_ENVIRONMENT: 'production',
      MPESA_CONSUMER_KEY: 'key',
      MPESA_CONSUMER_SECRET: 'secret',
      MPESA_SHORTCODE: '174379',
      MPESA_PASSKEY: 'passkey',
      CALLBACK_BASE_URL: 'https://pay.example.com',
    });
    merchant = await merchantFor(server);
  });
  afterAll(() => server.close());

  it.each(['https://169.254.169.254/latest/meta-data', 'http://127.0.0.1:3000/hooks'])(
    'when a merchant registers %s, then it is refused',
    async (url) => {
      expectError(
        await merchant({ method: 'POST', path: '/api/v1/webhook-endpoints', body: { url } }),
        422,
        'webhook_url_refused',
      );
    },
  );
});

describe('SSRF guard in production mode', () => {
  let server: TestServer;
  let merchant: MerchantRequest;
  beforeAll(async () => {
    server = await startTestServer({
      NODE_ENV: 'production',
      MPESA_ENVIRONMENT: 'sandbox',
      MPESA_CONSUMER_KEY: 'key',
      MPESA_CONSUMER_SECRET: 'secret',
      MPESA_SHORTCODE: '174379',
      MPESA_PASSKEY: 'passkey',
      CALLBACK_BASE_URL: 'https://pay.example.com',
    });
    merchant = await merchantFor(server);
  });
  afterAll(() => server.close());

  const refused = [
    'https://127.0.0.1/hooks',
    'https://127.1.2.3/hooks',
    'https://10.0.0.5/hooks',
    'https://172.16.4.4/hooks',
    'https://192.168.1.1/hooks',
    'https://169.254.169.254/latest/meta-data',
    'https://100.64.0.1/hooks',
    'https://0.0.0.0/hooks',
    'https://[::1]/hooks',
    'https://[fe80::1]/hooks',
    'https://[fd00::1]/hooks',
    'https://[::ffff:10.0.0.1]/hooks',
    'https://2130706433/hooks', // 127.0.0.1 as one decimal number
    'https://0x7f.1/hooks', // 127.0.0.1 in hex shorthand
    'https://0177.0.0.1/hooks', // 127.0.0.1 in octal
    'https://[::ffff:7f00:1]/hooks', // IPv4-mapped 127.0.0.1 in hex
    'https://[64:ff9b::a00:1]/hooks', // NAT64 of 10.0.0.1
    'https://[::]/hooks',
    'https://224.0.0.1/hooks', // multicast
    'https://[ff02::1]/hooks',
    'https://100.100.100.100/hooks', // CGNAT
    ...ownInterfaceAddresses().map((address) => `https://${address}/hooks`),
    'https://localhost/hooks',
    'https://LOCALHOST./hooks',
    'http://93.184.215.14/hooks', // public, but not https
  ];

  it.each(refused)(
    'when a merchant registers %s, then it is refused with webhook_url_refused',
    async (url) => {
      expectError(
        await merchant({ method: 'POST', path: '/api/v1/webhook-endpoints', body: { url } }),
        422,
        'webhook_url_refused',
      );
    },
  );

  it('when a name resolves to this machine (its own hostname), then it is refused too', async () => {
    const addresses = await dns.promises.lookup(os.hostname(), { all: true });
    // On these machines the hostname resolves to loopback (/etc/hosts); guard the assumption.
    expect(addresses.length).toBeGreaterThan(0);
    expect(
      addresses.every((entry) =>
        /^(127\.|10\.|172\.(1[6-9]|2\d|3[01])\.|192\.168\.|::1$|f[cd])/.test(entry.address),
      ),
    ).toBe(true);
    expectError(
      await merchant({
        method: 'POST',
        path: '/api/v1/webhook-endpoints',
        body: { url: `https://${os.hostname()}/hooks` },
      }),
      422,
      'webhook_url_refused',
    );
  });

  it('when an endpoint is changed to a private URL, then the change is refused as well', async () => {
    const created = await merchant({
      method: 'POST',
      path: '/api/v1/webhook-endpoints',
      body: { url: 'https://93.184.215.14/hooks' },
    });
    expect(created.status).toBe(201);
    const changed = await merchant({
      method: 'PATCH',
      path: `/api/v1/webhook-endpoints/${created.data.endpoint.id}`,
      body: { url: 'https://10.0.0.1/' },
    });
    expectError(changed, 422, 'webhook_url_refused');
  });
});
