// Ambiguity is never a failure: when Daraja answers a push with something that is neither a
// success nor a documented refusal, the payment was maybe sent. Initiate answers 202 with the
// transaction pending (its callback or an STK Query decides), and the push is not resent.
import { startTestServer, type TestServer } from '../helpers/server';
import { initiateBody, merchantFor, type MerchantRequest } from '../helpers/merchant';
import { startFakeDaraja } from '../helpers/fake-daraja';
import { postCallback, successCallback } from '../helpers/callbacks';

let daraja: Awaited<ReturnType<typeof startFakeDaraja>>;
let server: TestServer;
let merchant: MerchantRequest;
const answers: Array<(res: import('express').Response) => void> = [];

beforeAll(async () => {
  daraja = await startFakeDaraja({ push: (_req, res, n) => answers[n - 1]!(res) });
  server = await startTestServer({ MPESA_BASE_URL: daraja.url });
  merchant = await merchantFor(server);
});
afterAll(async () => {
  await server.close();
  await daraja.close();
});

describe('when Daraja answers the STK Push ambiguously', () => {
  it.each([
    [
      'HTTP 200 with an unreadable body',
      (res: import('express').Response) => void res.status(200).type('text/plain').send('OK?'),
    ],
    [
      'HTTP 502 with a proxy’s HTML page',
      (res: import('express').Response) =>
        void res.status(502).type('text/html').send('<html>Bad Gateway</html>'),
    ],
    [
      'HTTP 500 with Daraja’s 500.003.1001 Internal Server Error',
      (res: import('express').Response) =>
        void res.status(500).json({ errorCode: '500.003.1001', errorMessage: 'Internal Server Error' }),
    ],
  ])('then %s leaves the payment pending (202), sent once', async (_label, answer) => {
    answers.push(answer);
    const before = daraja.calls.push;
    const initiated = await merchant({
      method: 'POST',
      path: '/api/v1/transactions/initiate',
      body: initiateBody({ accountReference: `AMB${before}` }),
    });
    expect(initiated.status).toBe(202);
    expect(initiated.data.transaction).toMatchObject({
      status: 'pending',
      checkoutRequestId: null,
      failure: null,
    });
    const stored = await merchant({
      method: 'GET',
      path: `/api/v1/transactions/${initiated.data.transaction.id}`,
    });
    expect(stored.data.transaction.status).toBe('pending');
    expect(daraja.calls.push).toBe(before + 1);
  });

  it('then the callback that arrives later completes it, with its receipt', async () => {
    answers.push((res) => void res.status(200).type('text/plain').send('OK?'));
    const initiated = await merchant({
      method: 'POST',
      path: '/api/v1/transactions/initiate',
      body: initiateBody({ accountReference: 'AMBLATE', amount: 10 }),
    });
    expect(initiated.status).toBe(202);
    const { id } = initiated.data.transaction;
    // We never learnt its CheckoutRequestID: the per-transaction callback URL is what matches it.
    const acknowledged = await postCallback(
      server.url,
      server.callbackPath(id),
      successCallback('ws_CO_02122026010101000700000001', 10),
    );
    expect(acknowledged.status).toBe(200);
    const settled = await merchant({ method: 'GET', path: `/api/v1/transactions/${id}` });
    expect(settled.data.transaction).toMatchObject({
      status: 'completed',
      amountPaid: 10,
      amountVerified: true,
    });
    expect(settled.data.transaction.mpesaReceiptNumber).toEqual(expect.any(String));
  });
});
