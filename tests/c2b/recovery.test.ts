// Nothing acknowledged is lost (issue 19 item 2): SIGKILL while confirmations flow and their
// webhooks are pending, then a restart on the same database: every confirmation we acknowledged
// is one payment, and its event reaches the merchant. And a confirmation stored unprocessed (its
// ledger write failed) is applied at the next start, once. Real child processes, killed for real.
import { childEnv, startServiceProcess } from '../helpers/child-service';
import { accountBody } from '../helpers/accounts';
import { c2bBody, postC2b, registeredC2bUrls } from '../helpers/c2b';
import { createProject, merchantClient } from '../helpers/merchant';
import { eventually } from '../helpers/realtime';
import { startWebhookReceiver, type ReceivedWebhook } from '../helpers/webhook-receiver';
import { openDatabase } from '../../src/db/database';
import { newId } from '../../src/ids';

const CONFIRMATIONS = 40;

async function c2bOnChild(url: string, adminToken: string, shortcode: string) {
  const keys = await createProject(url, adminToken);
  const merchant = merchantClient(url, keys);
  const body = accountBody({ shortcode });
  const account = await merchant({ method: 'POST', path: '/api/v1/mpesa-accounts', body });
  expect(account.status).toBe(201);
  const accountId = account.data.account.id as string;
  const on = await merchant({
    method: 'POST',
    path: `/api/v1/mpesa-accounts/${accountId}/c2b`,
    body: { version: 'v2' },
  });
  // The answer's body with its status: a refusal names its code and Daraja's words.
  expect({ status: on.status, data: on.data }).toMatchObject({ status: 200 });
  const urls = await registeredC2bUrls(`${url}/simulator`, body, shortcode);
  return { keys, merchant, accountId, ...urls };
}

describe('when the process is killed while C2B confirmations flow', () => {
  it('then after a restart every acknowledged confirmation is one payment and its event reaches the merchant', async () => {
    const env = childEnv({
      WEBHOOK_RETRY_SCHEDULE: Array.from({ length: 20 }, () => '100ms').join(','),
      WEBHOOK_TIMEOUT_MS: '1000',
      WEBHOOK_POLL_INTERVAL_MS: '100',
    });
    let merchantUp = false;
    const hooks = await startWebhookReceiver(() => (merchantUp ? 200 : 503));
    let service = await startServiceProcess(env);
    try {
      const shop = await c2bOnChild(service.url, env.ADMIN_TOKEN, '600410');
      const endpoint = await shop.merchant({
        method: 'POST',
        path: '/api/v1/webhook-endpoints',
        body: { url: hooks.url },
      });
      expect(endpoint.status).toBe(201);

      const receipts = Array.from({ length: CONFIRMATIONS }, (_, i) => `UKC${String(i).padStart(7, '0')}`);
      const acknowledged = new Set<string>();
      let kill: (() => void) | undefined;
      const killed = new Promise<void>((resolve) => (kill = resolve));
      const posts = receipts.map(async (receipt, index) => {
        await new Promise((resolve) => setTimeout(resolve, index * 5));
        const answer = await postC2b(
          shop.confirmationUrl,
          c2bBody({ TransID: receipt, BusinessShortCode: '600410' }),
        ).catch(() => undefined);
        if (answer?.status === 200 && answer.data.ResultCode === '0') acknowledged.add(receipt);
        if (acknowledged.size === CONFIRMATIONS / 4) kill!();
      });
      await Promise.race([killed, Promise.all(posts)]);
      const exited = new Promise((resolve) => service.child.once('exit', resolve));
      service.child.kill('SIGKILL');
      await exited;
      await Promise.allSettled(posts);
      expect(acknowledged.size).toBeGreaterThanOrEqual(CONFIRMATIONS / 4);
      expect(hooks.accepted().size).toBe(0);

      merchantUp = true;
      service = await startServiceProcess(env);
      const receiptsOf = (delivered: Map<string, ReceivedWebhook>) =>
        [...delivered.values()].map(
          (hook) =>
            (JSON.parse(hook.body) as { data: { transaction: { mpesaReceiptNumber: string } } }).data
              .transaction.mpesaReceiptNumber,
        );
      const delivered = receiptsOf(
        await eventually(
          async () => hooks.accepted(),
          (seen) => [...acknowledged].every((receipt) => receiptsOf(seen).includes(receipt)),
          30_000,
        ),
      );
      for (const receipt of acknowledged)
        expect(delivered.filter((seen) => seen === receipt)).toHaveLength(1);

      const database = await openDatabase(env.DATABASE_URL);
      try {
        const rows = await database.all(
          database.qb
            .selectFrom('Transaction')
            .select(['mpesaReceiptNumber', 'status', 'origin'])
            .where('accountId', '=', shop.accountId),
        );
        const paid = rows.map((row) => row.mpesaReceiptNumber);
        expect(new Set(paid).size).toBe(paid.length);
        for (const receipt of acknowledged) expect(paid).toContain(receipt);
        expect(rows.every((row) => row.status === 'completed' && row.origin === 'c2b')).toBe(true);
      } finally {
        await database.close();
      }
    } finally {
      service.child.kill('SIGKILL');
      await hooks.close();
    }
  }, 120_000);
});

describe('when a confirmation was stored but not applied (its ledger write failed)', () => {
  it('then the next start applies it: one payment, the record judged and processed', async () => {
    const env = childEnv();
    let service = await startServiceProcess(env);
    try {
      const shop = await c2bOnChild(service.url, env.ADMIN_TOKEN, '600411');
      const exited = new Promise((resolve) => service.child.once('exit', resolve));
      service.child.kill('SIGKILL');
      await exited;

      // What c2b.confirm.ts stores when the ledger fails: the record alone, unprocessed.
      const database = await openDatabase(env.DATABASE_URL);
      const id = newId('cbk');
      try {
        await database.run(
          database.qb.insertInto('CallbackRecord').values({
            id,
            kind: 'c2b_confirmation',
            accountId: shop.accountId,
            transactionId: null,
            checkoutRequestId: null,
            sourceIp: '127.0.0.1',
            rawBody: Buffer.from(
              JSON.stringify(c2bBody({ TransID: 'UKSWEPT001', BusinessShortCode: '600411' })),
            ),
            outcome: null,
            receivedAt: new Date(),
            processedAt: null,
          }),
        );
      } finally {
        await database.close();
      }

      service = await startServiceProcess(env);
      const merchant = merchantClient(service.url, shop.keys);
      const page = await eventually(
        () => merchant({ method: 'GET', path: '/api/v1/transactions?receipt=UKSWEPT001' }),
        (answer) => answer.data.data?.length === 1,
      );
      expect(page.data.data[0]).toMatchObject({ origin: 'c2b', status: 'completed' });
      const after = await openDatabase(env.DATABASE_URL);
      try {
        const record = await after.first(
          after.qb.selectFrom('CallbackRecord').selectAll().where('id', '=', id),
        );
        expect(record).toMatchObject({ outcome: 'received', transactionId: page.data.data[0].id });
        expect(record!.processedAt).not.toBeNull();
      } finally {
        await after.close();
      }
    } finally {
      service.child.kill('SIGKILL');
    }
  }, 60_000);
});
