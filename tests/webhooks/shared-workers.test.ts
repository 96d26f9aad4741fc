// Two service instances on one database: both delivery workers claim from the same table, and
// each event still reaches the merchant once (claims are leases taken atomically: FOR UPDATE
// SKIP LOCKED on PostgreSQL, UPDATE … RETURNING under SQLite's single writer).
import { sameDatabase, startTestServer } from '../helpers/server';
import { initiateBody, merchantFor } from '../helpers/merchant';
import { startWebhookReceiver } from '../helpers/webhook-receiver';
import { countRows } from '../helpers/rows';

const PAYMENTS = 40;

describe('when two instances deliver from one database', () => {
  it('then every event is sent exactly once, with one attempt each', async () => {
    const first = await startTestServer({ WEBHOOK_POLL_INTERVAL_MS: '20' });
    const second = await startTestServer({ ...sameDatabase(first), WEBHOOK_POLL_INTERVAL_MS: '20' });
    const hooks = await startWebhookReceiver();
    try {
      const merchant = await merchantFor(first);
      await merchant({ method: 'POST', path: '/api/v1/webhook-endpoints', body: { url: hooks.url } });
      // Payments settle through the first instance's simulator; both workers poll every 20 ms.
      const responses = await Promise.all(
        Array.from({ length: PAYMENTS }, () =>
          merchant({ method: 'POST', path: '/api/v1/transactions/initiate', body: initiateBody() }),
        ),
      );
      expect(responses.every((response) => response.status === 201)).toBe(true);

      const delivered = await hooks.waitForAccepted(PAYMENTS, 15_000);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(delivered.size).toBe(PAYMENTS);
      expect(hooks.received).toHaveLength(PAYMENTS);
      expect(await countRows(first.database(), 'DeliveryAttempt')).toBe(PAYMENTS);
    } finally {
      await hooks.close();
      await second.close();
      await first.close();
    }
  });
});
