// SIGKILL while callbacks are flowing and webhook deliveries are pending, then a restart on
// the same database: every callback we acknowledged is stored and applied, and every event it
// caused reaches the merchant (exactly once after deduping on webhook-id). A real child
// process, killed for real: nothing in it gets to clean up.
import { createKeyring } from '../../src/security/vault';
import { createTransactionSecrets } from '../../src/security/transaction-secrets';
import { CALLBACK_PATH } from '../../src/callbacks/callback.routes';
import { openDatabase } from '../../src/db/database';
import { childEnv, startServiceProcess } from '../helpers/child-service';
import { createProject, initiateBody, merchantClient } from '../helpers/merchant';
import { postCallback, successCallback } from '../helpers/callbacks';
import { eventually } from '../helpers/realtime';
import { startWebhookReceiver, type ReceivedWebhook } from '../helpers/webhook-receiver';

const PAYMENTS = 40;

describe('when the process is killed while callbacks flow and deliveries are pending', () => {
  it('then after a restart every acknowledged callback is applied and every resulting event reaches the merchant', async () => {
    const env = childEnv({
      // Only our own callbacks settle these payments: no simulator callback, no reconciliation.
      RECONCILE_AFTER: '1h',
      RECONCILE_EXPIRE_AFTER: '2h',
      WEBHOOK_RETRY_SCHEDULE:
        '100ms,100ms,100ms,100ms,100ms,100ms,100ms,100ms,100ms,100ms,100ms,100ms,100ms,100ms,100ms,100ms,100ms,100ms,100ms,100ms',
      WEBHOOK_TIMEOUT_MS: '1000',
      WEBHOOK_POLL_INTERVAL_MS: '100',
    });
    const { ADMIN_TOKEN: adminToken, MASTER_KEY: masterKey } = env;
    // The merchant is down until the service has been killed.
    let merchantUp = false;
    const hooks = await startWebhookReceiver(() => (merchantUp ? 200 : 503));
    const secrets = createTransactionSecrets(createKeyring(Buffer.from(masterKey, 'hex')));

    let first = await startServiceProcess(env);
    try {
      const keys = await createProject(first.url, adminToken);
      const merchant = merchantClient(first.url, keys);
      const endpoint = await merchant({
        method: 'POST',
        path: '/api/v1/webhook-endpoints',
        body: { url: hooks.url },
      });
      expect(endpoint.status).toBe(201);

      const ids: string[] = [];
      for (let i = 0; i < PAYMENTS; i += 1) {
        // 0700000005: the simulator never calls back, so the callbacks below are the only ones.
        const response = await merchant({
          method: 'POST',
          path: '/api/v1/transactions/initiate',
          body: initiateBody({ phone: '0700000005' }),
        });
        expect(response.status).toBe(201);
        ids.push(response.data.transaction.id);
      }
      const checkoutIds = new Map<string, string>();
      for (const id of ids) {
        const read = await merchant({ method: 'GET', path: `/api/v1/transactions/${id}` });
        checkoutIds.set(id, read.data.transaction.checkoutRequestId);
      }

      // Callbacks in flight; the kill lands after the first acknowledgements.
      const acknowledged = new Set<string>();
      let kill: (() => void) | undefined;
      const killed = new Promise<void>((resolve) => (kill = resolve));
      const posts = ids.map(async (id, index) => {
        await new Promise((resolve) => setTimeout(resolve, index * 5));
        const response = await postCallback(
          first.url,
          `${CALLBACK_PATH}/${id}/${secrets.callbackToken(id)}`,
          successCallback(checkoutIds.get(id)!, 10, `UKM${String(index).padStart(7, '0')}`),
        ).catch(() => undefined);
        if (response?.status === 200 && response.data.ResultCode === 0) acknowledged.add(id);
        if (acknowledged.size === PAYMENTS / 4) kill!();
      });
      await Promise.race([killed, Promise.all(posts)]);
      const exited = new Promise((resolve) => first.child.once('exit', resolve));
      first.child.kill('SIGKILL');
      await exited;
      await Promise.allSettled(posts);
      expect(acknowledged.size).toBeGreaterThanOrEqual(PAYMENTS / 4);
      // The merchant saw attempts, none accepted: those deliveries were pending at the kill.
      expect(hooks.accepted().size).toBe(0);

      merchantUp = true;
      first = await startServiceProcess(env);

      // Wait for the acknowledged payments by id, not by count: a callback whose answer the kill
      // cut off may still have been applied, and its event counts towards the total too.
      const eventsOf = (delivered: Map<string, ReceivedWebhook>) =>
        [...delivered.values()].map(
          (webhook) =>
            JSON.parse(webhook.body) as {
              type: string;
              data: { transaction: { id: string; status: string } };
            },
        );
      const deliveredTransactions = eventsOf(
        await eventually(
          async () => hooks.accepted(),
          (delivered) => {
            const seen = new Set(eventsOf(delivered).map((event) => event.data.transaction.id));
            return [...acknowledged].every((id) => seen.has(id));
          },
          30_000,
        ),
      );
      for (const id of acknowledged) {
        expect(deliveredTransactions.filter((event) => event.data.transaction.id === id)).toEqual([
          expect.objectContaining({
            type: 'transaction.completed',
            data: { transaction: expect.objectContaining({ id, status: 'completed' }) },
          }),
        ]);
      }

      const database = await openDatabase(env.DATABASE_URL);
      try {
        const { qb } = database;
        const rows = await database.all(
          qb
            .selectFrom('Transaction')
            .select('status')
            .where('id', 'in', [...acknowledged]),
        );
        expect(rows.map((row) => row.status)).toEqual(rows.map(() => 'completed'));
        expect(rows).toHaveLength(acknowledged.size);
        // One event per payment, however many times it was attempted.
        const events = await database.all(
          qb.selectFrom('Event').select('id').where('transactionId', 'in', ids),
        );
        const completed = await eventually(
          async () =>
            (
              await database.all(
                qb
                  .selectFrom('Transaction')
                  .select('id')
                  .where('id', 'in', ids)
                  .where('status', '=', 'completed'),
              )
            ).length,
          (count) => count >= acknowledged.size,
        );
        expect(events).toHaveLength(completed);
        const callbacksStored = await database.all(
          qb
            .selectFrom('CallbackRecord')
            .select('id')
            .where('transactionId', 'in', [...acknowledged]),
        );
        expect(callbacksStored).toHaveLength(acknowledged.size);
      } finally {
        await database.close();
      }
    } finally {
      first.child.kill('SIGKILL');
      await hooks.close();
    }
  }, 60_000);
});
