// Rotating the master key with payments in flight: the service restarts with a new MASTER_KEY
// and the old one in MASTER_KEY_PREVIOUS; callbacks to URLs handed out under the old key still
// match, browsers holding old client secrets still subscribe, API keys, account credentials and
// webhook secrets sealed under the old key still open, and are re-sealed with the new one, after
// which the old key can go. On the engine the suite runs on.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import axios from 'axios';
import { Webhook } from 'standardwebhooks';
import { createKeyring } from '../../src/security/vault';
import { createTransactionSecrets } from '../../src/security/transaction-secrets';
import { CALLBACK_PATH } from '../../src/callbacks/callback.routes';
import { sameDatabase, startTestServer, type TestServer } from '../helpers/server';
import { initiateBody, merchantClient } from '../helpers/merchant';
import { adminHeaders } from '../helpers/http-edges';
import { postCallback, successCallback } from '../helpers/callbacks';
import { connectSubscriber, eventually } from '../helpers/realtime';
import { startWebhookReceiver } from '../helpers/webhook-receiver';
import { accountBody, keysOf } from '../helpers/accounts';

const PAYMENTS = 4;
const QUIET = {
  SIMULATOR_CALLBACK_DELAY_MS: '3600000',
  RECONCILE_AFTER: '1h',
  RECONCILE_EXPIRE_AFTER: '2h',
  WEBHOOK_POLL_INTERVAL_MS: '50',
};

describe('when the master key is rotated while payments wait for their callbacks', () => {
  it('then every payment settles, every secret still opens, and after re-sealing the old key is no longer needed', async () => {
    const oldKey = randomBytes(32).toString('hex');
    const newKey = randomBytes(32).toString('hex');
    const hooks = await startWebhookReceiver();
    let server: TestServer = await startTestServer({ ...QUIET, MASTER_KEY: oldKey });
    const database = sameDatabase(server);
    try {
      const created = (
        await axios.post(
          `${server.url}/api/v1/projects`,
          { name: 'Rotating shop' },
          { headers: adminHeaders(server) },
        )
      ).data;
      const keys = keysOf(created, 'test');
      let merchant = merchantClient(server.url, keys);
      const account = (
        await merchant({
          method: 'POST',
          path: '/api/v1/mpesa-accounts',
          body: accountBody({ shortcode: '600601' }),
        })
      ).data.account;
      const endpoint = (
        await merchant({ method: 'POST', path: '/api/v1/webhook-endpoints', body: { url: hooks.url } })
      ).data;
      const payments = [];
      for (let i = 0; i < PAYMENTS; i += 1) {
        const answer = await merchant({
          method: 'POST',
          path: '/api/v1/transactions/initiate',
          body: initiateBody({ account: account.id, accountReference: `ROT${i}` }),
        });
        expect(answer.status).toBe(201);
        payments.push(
          answer.data as { transaction: { id: string; checkoutRequestId: string }; clientSecret: string },
        );
      }
      // The CallBackURLs Safaricom was given carry tokens derived from the old key.
      const oldSecrets = createTransactionSecrets(createKeyring(Buffer.from(oldKey, 'hex')));
      const oldCallbackPath = (id: string) => `${CALLBACK_PATH}/${id}/${oldSecrets.callbackToken(id)}`;
      await server.close();

      server = await startTestServer({
        ...QUIET,
        ...database,
        MASTER_KEY: newKey,
        MASTER_KEY_PREVIOUS: oldKey,
      });
      merchant = merchantClient(server.url, keys);
      // A browser that got its client secret before the rotation still follows its payment.
      const browser = await connectSubscriber(server.url);
      expect(await browser.subscribe(payments[0]!.transaction.id, payments[0]!.clientSecret)).toEqual({
        ok: true,
      });
      for (const { transaction } of payments) {
        const answer = await postCallback(
          server.url,
          oldCallbackPath(transaction.id),
          successCallback(transaction.checkoutRequestId, 10, `ROT${transaction.id.slice(-6)}`),
        );
        expect(answer.data).toEqual({ ResultCode: 0, ResultDesc: 'Accepted' });
      }
      await browser.waitForStatus('completed');
      browser.close();
      for (const { transaction } of payments) {
        expect(
          (await merchant({ method: 'GET', path: `/api/v1/transactions/${transaction.id}` })).data.transaction
            .status,
        ).toBe('completed');
      }
      // The webhook secret sealed under the old key still signs.
      const delivered = await hooks.waitForAccepted(PAYMENTS);
      const verifier = new Webhook(endpoint.secret);
      for (const hook of delivered.values())
        expect(() => verifier.verify(hook.body, hook.headers)).not.toThrow();

      // Re-sealed at start (and on request): nothing is left under the old key.
      const vault = await eventually(
        async () => (await axios.get(`${server.url}/api/v1/vault`, { headers: adminHeaders(server) })).data,
        (report) => Object.keys(report.keysInUse).length === 1,
      );
      expect(vault.keysInUse).toEqual({ [vault.newestKeyId]: expect.any(Number) });
      const again = await axios.post(`${server.url}/api/v1/vault/reencrypt`, undefined, {
        headers: adminHeaders(server),
      });
      expect(Object.values(again.data.resealed as Record<string, number>).every((count) => count === 0)).toBe(
        true,
      );
      await server.close();

      // The old key dropped: keys, account credentials and webhook secrets open with the new one alone.
      server = await startTestServer({ ...QUIET, ...database, MASTER_KEY: newKey });
      merchant = merchantClient(server.url, keys);
      const after = await merchant({
        method: 'POST',
        path: '/api/v1/transactions/initiate',
        body: initiateBody({ account: account.id, accountReference: 'ROT-AFTER' }),
      });
      expect(after.status).toBe(201);
      await postCallback(
        server.url,
        server.callbackPath(after.data.transaction.id),
        successCallback(after.data.transaction.checkoutRequestId, 10, 'ROTAFTER01'),
      );
      await hooks.waitForAccepted(PAYMENTS + 1);
    } finally {
      await server.close();
      await hooks.close();
    }
  }, 40_000);
});

describe('when the service is stopped and the operator runs npm run vault:reencrypt', () => {
  it('then every stored secret is re-sealed with the new key, the report says so, and the old key can go', async () => {
    const oldKey = randomBytes(32).toString('hex');
    const newKey = randomBytes(32).toString('hex');
    let server: TestServer = await startTestServer({ ...QUIET, MASTER_KEY: oldKey });
    const database = sameDatabase(server);
    try {
      const created = (
        await axios.post(
          `${server.url}/api/v1/projects`,
          { name: 'Offline rotation' },
          { headers: adminHeaders(server) },
        )
      ).data;
      const keys = keysOf(created, 'test');
      const merchant = merchantClient(server.url, keys);
      const account = (
        await merchant({
          method: 'POST',
          path: '/api/v1/mpesa-accounts',
          body: accountBody({ shortcode: '600602' }),
        })
      ).data.account;
      await server.close();

      // The script `npm run vault:reencrypt` runs, with the service's configuration.
      const run = await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', 'src/vault/vault.main.ts'],
        {
          cwd: path.join(__dirname, '..', '..'),
          env: {
            PATH: process.env.PATH ?? '',
            NODE_ENV: 'test',
            ...database,
            MASTER_KEY: newKey,
            MASTER_KEY_PREVIOUS: oldKey,
          },
        },
      );
      const report = JSON.parse(run.stdout) as {
        resealed: Record<string, number>;
        newestKeyId: string;
        keysInUse: Record<string, number>;
      };
      // Both API keys of the project and the account's consumer secret and passkey, at least.
      expect(Object.values(report.resealed).reduce((sum, count) => sum + count, 0)).toBeGreaterThanOrEqual(4);
      expect(Object.keys(report.keysInUse)).toEqual([report.newestKeyId]);

      server = await startTestServer({ ...QUIET, ...database, MASTER_KEY: newKey });
      const after = await merchantClient(
        server.url,
        keys,
      )({
        method: 'POST',
        path: '/api/v1/transactions/initiate',
        body: initiateBody({ account: account.id, accountReference: 'ROT-CMD' }),
      });
      expect(after.status).toBe(201);
    } finally {
      await server.close();
    }
  }, 40_000);
});
