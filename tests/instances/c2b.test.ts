// Three instances behind one balancer take C2B confirmations without doubles (issue 19): the
// URLs are registered with the deployment's Daraja (the standalone simulator) under
// CALLBACK_BASE_URL, customers pay through it, and the same confirmation delivered to every
// instance at once is still one payment and one event. PostgreSQL and Redis (CI's pass).
import axios from 'axios';
import { accountBody } from '../helpers/accounts';
import { c2bBody, postC2b, registeredC2bUrls } from '../helpers/c2b';
import { describeDeployment, startDeployment, type Deployment } from '../helpers/instances';
import { createProject, merchantClient, type MerchantRequest } from '../helpers/merchant';
import { eventually } from '../helpers/realtime';

describeDeployment('when three instances take C2B confirmations', () => {
  let deployment: Deployment;
  let merchant: MerchantRequest;
  let urls: { confirmationUrl: string };

  beforeAll(async () => {
    deployment = await startDeployment({ instances: 3, redis: true });
    merchant = merchantClient(deployment.url, await createProject(deployment.url, deployment.adminToken));
    // The deployment's Daraja knows one app: the instances' own (simulator mode's defaults).
    const app = { consumerKey: 'simulator-consumer-key', consumerSecret: 'simulator-consumer-secret' };
    const account = await merchant({
      method: 'POST',
      path: '/api/v1/mpesa-accounts',
      body: accountBody({
        ...app,
        shortcode: '174379',
        passkey: 'bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919',
      }),
    });
    expect(account.status).toBe(201);
    const on = await merchant({
      method: 'POST',
      path: `/api/v1/mpesa-accounts/${account.data.account.id}/c2b`,
      body: { version: 'v2' },
    });
    expect(on.status).toBe(200);
    urls = await registeredC2bUrls(deployment.simulator.url, app, '174379');
    expect(urls.confirmationUrl.startsWith(`${deployment.url}/api/v1/callbacks/c2b/`)).toBe(true);
  }, 90_000);
  afterAll(async () => {
    await deployment?.close();
  });

  const byReceipt = async (receipt: string) =>
    (await merchant({ method: 'GET', path: `/api/v1/transactions?receipt=${receipt}` })).data.data as Array<
      Record<string, any>
    >;

  it('then the same confirmation sent to every instance at once is one payment and one event', async () => {
    const receipts = Array.from({ length: 10 }, (_, i) => `UKI${String(i).padStart(7, '0')}`);
    // Three copies of each, round-robin: each copy lands on another instance.
    const answers = await Promise.all(
      receipts.flatMap((receipt) =>
        [1, 2, 3].map(() =>
          postC2b(urls.confirmationUrl, c2bBody({ TransID: receipt, BusinessShortCode: '174379' })),
        ),
      ),
    );
    expect(answers.every((answer) => answer.status === 200 && answer.data.ResultCode === '0')).toBe(true);
    for (const receipt of receipts) {
      const payments = await byReceipt(receipt);
      expect(payments).toHaveLength(1);
      const events = await merchant({
        method: 'GET',
        path: `/api/v1/events?transactionId=${payments[0]!.id}`,
      });
      expect(events.data.data.map((event: { type: string }) => event.type)).toEqual(['transaction.received']);
    }
  });

  it('then customers paying through the deployment’s Daraja are each one payment', async () => {
    const paid = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        axios.post(`${deployment.simulator.url}/__simulator/c2b/payments`, {
          shortCode: '174379',
          amount: 10 + i,
          msisdn: '254712345678',
          billRefNumber: `WALK-${i}`,
        }),
      ),
    );
    for (const { data } of paid) {
      expect(data).toMatchObject({ status: 'completed', confirmation: { delivered: true } });
      const payments = await eventually(
        () => byReceipt(data.transId),
        (found) => found.length > 0,
      );
      expect(payments).toHaveLength(1);
      expect(payments[0]).toMatchObject({ origin: 'c2b', amount: data.amount });
    }
  });
});
