// Honest webhook health: a delivery that failed and waits for its retry counts as failing, on
// the endpoint (health, retrying, nextRetryAt) and in the overview's numbers (failing endpoints,
// retrying deliveries, the next retry), even after a later delivery to it succeeded.
import { createProject, merchantClient, type MerchantRequest } from '../helpers/merchant';
import { eventually } from '../helpers/realtime';
import { startTestServer, type TestServer } from '../helpers/server';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver';

let server: TestServer;
let shop: MerchantRequest;
let receiver: WebhookReceiver;
let answer = 500;
let endpointId = '';

beforeAll(async () => {
  // The first retry an hour after a failure: a failed delivery waits, retrying, for the test.
  server = await startTestServer({ WEBHOOK_RETRY_SCHEDULE: '1h,2h', WEBHOOK_POLL_INTERVAL_MS: '50' });
  shop = merchantClient(server.url, await createProject(server.url, server.adminToken, 'Hooked shop'));
  receiver = await startWebhookReceiver(() => answer);
  const created = await shop({
    method: 'POST',
    path: '/api/v1/webhook-endpoints',
    body: { url: receiver.url, eventTypes: ['transaction.completed'] },
  });
  endpointId = created.data.endpoint.id;
});
afterAll(async () => {
  await server.close();
  await receiver.close();
});

const endpoint = async () =>
  (await shop({ method: 'GET', path: `/api/v1/webhook-endpoints/${endpointId}` })).data.endpoint;
const stats = async () => (await shop({ method: 'GET', path: '/api/v1/stats' })).data.webhooks;
const pay = () => shop({ method: 'POST', path: '/api/v1/test-payments', body: { outcome: 'paid' } });

describe('when a delivery fails and waits for its retry', () => {
  it('then the endpoint is failing with one delivery retrying and its next retry time, and so says the overview', async () => {
    expect((await endpoint()).health).toBe('healthy');
    await pay();
    const failing = await eventually(
      endpoint,
      (found) => found.retrying === 1 && found.failingSince !== null,
    );
    expect(failing).toMatchObject({ health: 'failing', retrying: 1, failingSince: expect.any(String) });
    const minutes = (Date.parse(failing.nextRetryAt) - Date.now()) / 60_000;
    // An hour, ±20% jitter (src/webhooks/webhook.schedule.ts).
    expect(minutes).toBeGreaterThan(47);
    expect(minutes).toBeLessThanOrEqual(72);
    expect(await stats()).toMatchObject({
      failing: 1,
      retrying: 1,
      nextRetryAt: failing.nextRetryAt,
      deliveries: { succeeded: 0, failed: 0, pending: 1, retrying: 1 },
    });
  });

  it('then a later delivery that succeeds ends the run of failures, but the endpoint stays failing while one still retries', async () => {
    answer = 200;
    const before = receiver.accepted().size;
    await pay();
    await receiver.waitForAccepted(before + 1);
    const after = await eventually(endpoint, (found) => found.failingSince === null);
    expect(after).toMatchObject({ health: 'failing', retrying: 1 });
    const overview = await stats();
    expect(overview).toMatchObject({ failing: 1, retrying: 1 });
    // The overview's delivered rate counts the retrying one as not delivered: 1 of 2.
    const { succeeded, failed, retrying } = overview.deliveries;
    expect(succeeded / (succeeded + failed + retrying)).toBe(0.5);
  });
});
